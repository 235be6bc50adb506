import MediaScrub

/// libFuzzer's entry point: the Ogg Vorbis or Opus scrubber on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        let type = mediaType(of: input, in: [.ogg, .opus], else: .ogg)
        return try MediaScrubber.scrubber(for: type).scrub(from: MemoryByteSource(input), to: DiscardingSink())
    }
}
