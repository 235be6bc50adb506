import Foundation
import Testing
@testable import MediaScrub

@Suite("ISO BMFF sample entries of 3GPP2 files", .enabled(if: Tool.exiftool != nil && FFmpeg.path != nil, "exiftool or ffmpeg not installed"))
struct ISOBMFFSampleEntryTests {
    /// An AMR-NB file (RFC 4867 storage format) of `frames` 12.2 kbit/s frames with random speech bits: ffmpeg has no
    /// AMR encoder here, but any bits decode.
    static func amr(frames: Int) -> [UInt8] {
        var random = SplitMix64(seed: 26244)
        return Array("#!AMR\n".utf8) + (0..<frames).flatMap { _ in [0x3C] + (0..<31).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    }

    /// A .3g2 of H.263 video ('s263' with 'd263') and AMR audio ('samr' with 'damr'), muxed by ffmpeg, which writes
    /// its vendor code "FFMP" into both decoder configuration boxes; every sample entry's own vendor field is then set
    /// to "appl", as Apple's writers do.
    static func threeGPP2() throws -> [UInt8] {
        let speech = try TemporaryFile(amr(frames: 100), ext: "amr")
        var movie = try FFmpeg.make(ext: "3g2", [
            "-f", "lavfi", "-i", "testsrc=duration=2:size=176x144:rate=15", "-i", speech.url.path,
            "-c:v", "h263", "-c:a", "copy", "-f", "3g2",
        ])
        let entries = sampleEntries(movie, in: 0..<movie.count)
        #expect(entries.map(\.type).sorted() == ["s263", "samr"])
        for entry in entries { movie.replaceSubrange((entry.start + 20)..<(entry.start + 24), with: Array("appl".utf8)) }
        return movie
    }

    /// (type, offset) of every sample entry, found by walking moov/trak/mdia/minf/stbl/stsd as ISO/IEC 14496-12 lays them out.
    static func sampleEntries(_ bytes: [UInt8], in range: Range<Int>) -> [(type: String, start: Int)] {
        var entries: [(String, Int)] = []
        var index = range.lowerBound
        while index + 8 <= range.upperBound {
            let size = bytes[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            guard size >= 8, index + size <= range.upperBound else { break }
            if ["moov", "trak", "mdia", "minf", "stbl"].contains(type) {
                entries += sampleEntries(bytes, in: (index + 8)..<(index + size))
            } else if type == "stsd" {
                var entry = index + 16
                while entry + 8 <= index + size {
                    let entrySize = bytes[entry..<(entry + 4)].reduce(0) { $0 << 8 | Int($1) }
                    guard entrySize >= 8 else { break }
                    entries.append((String(decoding: bytes[(entry + 4)..<(entry + 8)], as: UTF8.self), entry))
                    entry += entrySize
                }
            }
            index += size
        }
        return entries
    }

    /// exiftool's `-ee -G1 -a -u` text view.
    static func exiftoolText(_ bytes: [UInt8]) throws -> String {
        let file = try TemporaryFile(bytes, ext: "3g2")
        return String(decoding: try Tool.run(Tool.exiftool!, ["-ee", "-G1", "-a", "-u", file.url.path]), as: UTF8.self)
    }

    @Test("a 3GPP2 file loses the encoder vendor of its AMR and H.263 decoder configurations and its sample entries' vendor codes; streams and decoded audio unchanged")
    func encoderVendor() throws {
        let original = try Self.threeGPP2()
        #expect(MediaSniffer.sniff(original.prefix(64)) == .threeGPP)
        let before = try Self.exiftoolText(original)
        #expect(before.contains("Encoder Vendor") && before.contains("FFMP") && before.contains("Apple"), "\(before)")
        let (cleaned, report) = try scrub(original)
        // The 'damr' box stays (AMR sample entries must have one), so exiftool still lists the field, blank.
        let after = try Tool.exiftoolTags(cleaned, ext: "3g2")
        let vendors = after.filter { $0.key.hasSuffix("Vendor") || $0.key.hasSuffix("VendorID") || $0.key.hasSuffix("EncoderVersion") }
        #expect(vendors.keys.contains { $0.hasSuffix(":EncoderVendor") })
        #expect(vendors.allSatisfy { "\($0.value)".allSatisfy { $0 == "0" || $0 == " " } }, "\(vendors)")
        #expect(!ISOOracle.contains(cleaned, Array("FFMP".utf8)) && !ISOOracle.contains(cleaned, Array("appl".utf8)))
        #expect(report.removed.contains { $0.what == "encoder vendor (sample entry)" && $0.count == 2 }, "\(report.removed)")
        #expect(ISOOracle.leaks(try Tool.exiftoolTags(cleaned, ext: "3g2")) == [])
        #expect(try ISOOracle.streamHash(cleaned, ext: "3g2") == ISOOracle.streamHash(original, ext: "3g2"))
        #expect(try FFmpeg.pcmHash(cleaned, ext: "3g2") == FFmpeg.pcmHash(original, ext: "3g2"))
        #expect(cleaned.count <= original.count + 64)
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.removed == [])
    }
}
