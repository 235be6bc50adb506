import MediaScrub

/// libFuzzer's entry point: the Matroska scrubber as Matroska or WebM, by sniffed DocType (Matroska when it is
/// broken). The scrubber never moves a byte, so a cleaned file must be exactly as long as the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzScrub(data, size) { input in
        let type = mediaType(of: input, in: [.matroska, .webm], else: .matroska)
        let sink = CountingSink()
        let report = try MediaScrubber.scrubber(for: type).scrub(from: MemoryByteSource(input), to: sink)
        if sink.count != input.count { fatalError("the cleaned file has \(sink.count) bytes, the input \(input.count)") }
        return report
    }
}

/// Counts what is written and discards it.
final class CountingSink: ByteSink {
    private(set) var count = 0

    func write(_ bytes: ArraySlice<UInt8>) throws {
        count += bytes.count
    }
}
