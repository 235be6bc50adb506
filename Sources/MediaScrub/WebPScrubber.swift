/// Cleans WebP files (RIFF `WEBP`): simple lossy (`VP8 `) and lossless (`VP8L`) files, and the
/// extended format (`VP8X`) with alpha, ICC profile and animation.
///
/// Kept: `VP8X` (its Exif and XMP flags cleared), `ICCP` (its identifying fields blanked by `ICCProfile`;
/// a malformed profile is refused), `ANIM`, `ANMF` (with only `ALPH`, `VP8 `
/// and `VP8L` inside), `ALPH`, `VP8 `, `VP8L`, byte for byte. Dropped: `EXIF`, `XMP `, `XMP\0`, every
/// unknown chunk, and anything after the RIFF container. The kept chunks are held in memory (capped)
/// because in WebP the metadata follows the image data and the RIFF size must be written first.
struct WebPScrubber: Scrubber {
    var mediaType: MediaType { .webp }

    static let container = ChunkContainer(
        name: "WebP", magic: Array("RIFF".utf8), byteOrder: .little, formTypes: ["WEBP"], maxHeldBytes: 64 << 20)
    static let extendedChunks: Set<String> = ["ICCP", "ANIM", "ANMF", "ALPH", "VP8 ", "VP8L"]
    static let frameChunks: Set<String> = ["ALPH", "VP8 ", "VP8L"]
    /// VP8X flag bits: Exif metadata present, XMP metadata present.
    static let exifFlag: UInt8 = 0x08
    static let xmpFlag: UInt8 = 0x04

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var report = RemovalReport(mediaType: .webp)
        var isExtended = false
        // Aggregated as they come (the container walk holds `report`): an ANMF may hold millions of empty chunks.
        var nestedRemovals = RemovalReport(mediaType: .webp)
        var blankedProfile = false
        let container = Self.container
        try container.scrub(from: source, to: sink, report: &report) { type, index, _ in
            if index == 0 {
                switch type {
                case "VP8 ", "VP8L": return .keep { $0 }
                case "VP8X":
                    isExtended = true
                    return .keep { payload in
                        guard payload.count >= 10 else { throw ScrubError.malformed("the WebP VP8X chunk is \(payload.count) bytes, less than 10") }
                        var edited = payload
                        edited[0] &= ~(Self.exifFlag | Self.xmpFlag)
                        return edited
                    }
                default: throw ScrubError.malformed("the first WebP chunk is \(type), not VP8, VP8L or VP8X")
                }
            }
            guard isExtended, Self.extendedChunks.contains(type) else { return .drop(label: Self.label(type)) }
            if type == "ICCP" {
                return .keep { profile in
                    let (cleaned, blanked) = try ICCProfile.clean(profile)
                    if !blanked.isEmpty {
                        nestedRemovals.noteRemoved("ICC profile identifying fields (\(blanked.joined(separator: ", ")))",
                                                   bytes: zip(profile, cleaned).filter { $0 != $1 }.count)
                        blankedProfile = true
                    }
                    return cleaned
                }
            }
            guard type == "ANMF" else { return .keep { $0 } }
            return .keep { payload in
                guard payload.count >= 16 else { throw ScrubError.malformed("a WebP ANMF chunk is \(payload.count) bytes, less than its 16-byte header") }
                var edited = Array(payload[0..<16])
                try container.forEachNestedChunk(payload[16...], place: "a WebP ANMF chunk") { type, chunk in
                    let name = ChunkContainer.typeName(type)
                    if Self.frameChunks.contains(name) {
                        edited += container.chunkBytes(type: type, payload: chunk)
                    } else {
                        nestedRemovals.noteRemoved(Self.label(name) + " inside ANMF", bytes: 8 + chunk.count + chunk.count % 2)
                    }
                }
                return edited
            }
        } finish: { kept in
            let types = kept.map { ChunkContainer.typeName($0.type) }
            guard types.contains(where: { ["VP8 ", "VP8L", "ANMF"].contains($0) }) else {
                throw ScrubError.malformed("the WebP file has no image data (no VP8, VP8L or ANMF chunk)")
            }
        }
        for removal in nestedRemovals.removed { report.noteRemoved(removal.what, count: removal.count, bytes: removal.bytes) }
        if blankedProfile { report.added.append("ICC colour profile, with its identifying fields blanked") }
        return report
    }

    /// The report label of a dropped chunk.
    static func label(_ type: String) -> String {
        switch type {
        case "EXIF": "WebP Exif chunk EXIF"
        case "XMP ", "XMP\\x00": "WebP XMP chunk \(type)"
        default: "WebP chunk \(type)"
        }
    }
}
