/// Cleans AIFF and AIFF-C files (IFF `FORM` `AIFF`/`AIFC`, big-endian), streaming the sound data.
///
/// Kept, byte for byte: `COMM`, `FVER` (AIFF-C), `MARK` (marker positions; their names are short
/// labels, not identity) and `INST` (loop points) when they come before `SSND`, then `SSND`, streamed.
/// Dropped: `NAME`, `AUTH`, `(c) `, `ANNO`, `COMT`, `ID3 `, `APPL`, every unknown chunk, every chunk
/// after `SSND` (the FORM size is written before the sound data), and anything after the FORM.
struct AIFFScrubber: Scrubber {
    var mediaType: MediaType { .aiff }

    static let container = ChunkContainer(
        name: "AIFF", magic: Array("FORM".utf8), byteOrder: .big, formTypes: ["AIFF", "AIFC"], maxHeldBytes: 16 << 20)
    static let keptChunkTypes: Set<String> = ["COMM", "FVER", "MARK", "INST"]

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var report = RemovalReport(mediaType: .aiff)
        var sawCommon = false
        try Self.container.scrub(from: source, to: sink, report: &report) { type, _, afterSound in
            if afterSound {
                guard type != "COMM" else { throw ScrubError.malformed("the AIFF COMM chunk comes after the SSND chunk") }
                return .drop(label: Self.label(type) + (Self.keptChunkTypes.contains(type) ? " after the sound data" : ""))
            }
            switch type {
            case "COMM":
                guard !sawCommon else { throw ScrubError.malformed("the AIFF file has two COMM chunks") }
                sawCommon = true
                return .keep { $0 }
            case "SSND":
                guard sawCommon else { throw ScrubError.malformed("the AIFF SSND chunk comes before any COMM chunk") }
                return .stream
            case let kept where Self.keptChunkTypes.contains(kept): return .keep { $0 }
            default: return .drop(label: Self.label(type))
            }
        } finish: { _ in
            guard sawCommon else { throw ScrubError.malformed("the AIFF file has no COMM chunk") }
        }
        return report
    }

    /// The report label of a dropped chunk.
    static func label(_ type: String) -> String {
        switch type {
        case "NAME", "AUTH", "(c) ", "ANNO", "COMT": "AIFF text chunk \(type)"
        case "ID3 ", "id3 ": "AIFF ID3 chunk \(type)"
        default: "AIFF chunk \(type)"
        }
    }
}
