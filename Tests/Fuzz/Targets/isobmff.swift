import MediaScrub

/// libFuzzer's entry point: the ISO BMFF scrubber (HEIC, AVIF, MP4, MOV, M4A, 3GP) on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        let type = mediaType(of: input, in: [.heif, .avif, .mp4, .mov, .m4a, .threeGPP], else: .mp4)
        return try MediaScrubber.scrubber(for: type).scrub(from: MemoryByteSource(input), to: DiscardingSink())
    }
}
