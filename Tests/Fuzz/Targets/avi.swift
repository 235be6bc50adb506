import MediaScrub

/// libFuzzer's entry point: the AVI scrubber on arbitrary bytes, which must also keep the input's length.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let sink = MemoryByteSink()
    let report = reportUnlessRefused {
        try MediaScrubber.scrubber(for: .avi).scrub(from: ChoppyByteSource(input), to: sink)
    }
    if report != nil && sink.bytes.count != input.count {
        fatalError("the AVI scrubber wrote \(sink.bytes.count) bytes for \(input.count)")
    }
    return 0
}
