import MediaScrub

/// libFuzzer's entry point: the WAV or AIFF scrubber (RIFF and IFF chunk containers) on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        let type = mediaType(of: input, in: [.wav, .aiff], else: .wav)
        return try MediaScrubber.scrubber(for: type).scrub(from: MemoryByteSource(input), to: DiscardingSink())
    }
}
