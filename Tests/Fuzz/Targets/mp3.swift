import MediaScrub

/// libFuzzer's entry point: the MP3 scrubber on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        try MediaScrubber.scrubber(for: .mp3).scrub(from: MemoryByteSource(input), to: DiscardingSink())
    }
}
