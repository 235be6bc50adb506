/// Cleans WAV files (RIFF `WAVE`), streaming the audio data.
///
/// Kept, byte for byte: `fmt `, `fact`, `cue ` and `smpl` (sample positions and loop points, no text)
/// when they come before `data`, then `data` itself, streamed. Dropped: `LIST` (INFO tags and `adtl`
/// cue labels), `id3 `/`ID3 `, `bext`, `iXML`, `cart`, `JUNK`/`junk`/`PAD `, every unknown chunk, every
/// chunk after `data` (the RIFF size is written before the data, so only what precedes it can be kept),
/// and anything after the RIFF container. RF64/BW64 files (over 4 GiB) are not recognised as WAV.
struct WAVScrubber: Scrubber {
    var mediaType: MediaType { .wav }

    static let container = ChunkContainer(
        name: "WAV", magic: Array("RIFF".utf8), byteOrder: .little, formTypes: ["WAVE"], maxHeldBytes: 16 << 20)
    static let keptChunkTypes: Set<String> = ["fmt ", "fact", "cue ", "smpl"]

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var report = RemovalReport(mediaType: .wav)
        var sawFormat = false
        try Self.container.scrub(from: source, to: sink, report: &report) { type, _, afterData in
            if afterData {
                guard type != "fmt " else { throw ScrubError.malformed("the WAV fmt chunk comes after the data chunk") }
                return .drop(label: Self.label(type) + (Self.keptChunkTypes.contains(type) ? " after the audio data" : ""))
            }
            switch type {
            case "fmt ":
                guard !sawFormat else { throw ScrubError.malformed("the WAV file has two fmt chunks") }
                sawFormat = true
                return .keep { $0 }
            case "data":
                guard sawFormat else { throw ScrubError.malformed("the WAV data chunk comes before any fmt chunk") }
                return .stream
            case let kept where Self.keptChunkTypes.contains(kept): return .keep { $0 }
            default: return .drop(label: Self.label(type))
            }
        } finish: { _ in
            throw ScrubError.malformed("the WAV file has no data chunk")
        }
        return report
    }

    /// The report label of a dropped chunk.
    static func label(_ type: String) -> String {
        switch type {
        case "LIST": "WAV LIST chunk (INFO tags or labels)"
        case "id3 ", "ID3 ": "WAV ID3 chunk \(type)"
        case "bext": "WAV broadcast extension chunk bext"
        case "iXML": "WAV iXML chunk"
        default: "WAV chunk \(type)"
        }
    }
}
