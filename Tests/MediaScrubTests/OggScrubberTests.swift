import Foundation
import Testing
@testable import MediaScrub

@Suite("Ogg scrubber on files made by ffmpeg", .enabled(if: FFmpeg.path != nil, "ffmpeg not installed"))
struct OggGeneratedTests {
    static let marker = "MARKER-ogg-0d94b1"

    static func make(codec: String, ext: String, longComment: Bool) throws -> [UInt8] {
        let long = longComment ? String(repeating: "\(marker)-long ", count: 4000) : "\(marker)-short"
        return try FFmpeg.make(ext: ext, [
            "-f", "lavfi", "-i", "sine=frequency=550:duration=3", "-c:a", codec,
            "-metadata", "artist=\(marker)-artist", "-metadata", "comment=\(long)", "-metadata", "date=2024-05-01",
            "-metadata", "METADATA_BLOCK_PICTURE=\(marker)-picture",
        ])
    }

    @Test("replaces the comment header, renumbers pages with valid CRCs, keeps audio packets and granules",
          arguments: [("libvorbis", "ogg", false), ("libvorbis", "ogg", true), ("libopus", "opus", false), ("libopus", "opus", true)])
    func generated(codec: String, ext: String, longComment: Bool) throws {
        let original = try Self.make(codec: codec, ext: ext, longComment: longComment)
        #expect(MediaSniffer.sniff(original.prefix(64)) == (ext == "ogg" ? .ogg : .opus))
        let (cleaned, report) = try scrub(original)
        #expect(!cleaned.contains(bytes: Array(Self.marker.utf8)) && !cleaned.contains(bytes: Array("Lavf".utf8)))
        #expect(report.added.count == 1)
        let before = try #require(OggPageView.parse(original))
        let after = try #require(OggPageView.parse(cleaned))
        #expect(after.allSatisfy { $0.crcIsValid })
        #expect(after.map(\.sequence) == (0..<UInt32(after.count)).map { $0 })
        let headerCount = ext == "ogg" ? 3 : 2
        let packetsBefore = OggPageView.packets(before)
        let packetsAfter = OggPageView.packets(after)
        #expect(packetsAfter[0] == packetsBefore[0])
        #expect(packetsAfter[1].count == 16 && packetsAfter[1].suffix(8) == (ext == "ogg" ? [0, 0, 0, 0, 0, 0, 0, 1] : [0, 0, 0, 0, 0, 0, 0, 0]))
        let samePackets = packetsAfter[2...] == packetsBefore[2...]
        #expect(samePackets)
        func audio(_ pages: [OggPageView]) -> [[UInt8]] {
            var seen = 0
            return pages.filter { page in
                defer { seen += page.lacing.filter { $0 < 255 }.count }
                return seen >= headerCount
            }.map { $0.body + withUnsafeBytes(of: $0.granule.littleEndian, Array.init) + [$0.headerType] }
        }
        let sameAudioPages = audio(after) == audio(before)
        #expect(sameAudioPages)
        if longComment { #expect(after.count < before.count) }
        #expect(try FFmpeg.packetHash(cleaned, ext: ext) == FFmpeg.packetHash(original, ext: ext))
        #expect(try FFmpeg.pcmHash(cleaned, ext: ext) == FFmpeg.pcmHash(original, ext: ext))
        if Tool.exiftool != nil { #expect(try AudioLeak.find(cleaned, ext: ext) == []) }
        let (again, secondReport) = try scrub(cleaned)
        let unchanged = again == cleaned
        #expect(unchanged && secondReport.isEmpty)
    }

    @Test("refuses chained streams with a clear error")
    func refusesChained() throws {
        let first = try Self.make(codec: "libvorbis", ext: "ogg", longComment: false)
        do {
            _ = try scrub(first + first)
            Issue.record("a chained Ogg file was accepted")
        } catch let error as ScrubError {
            #expect(error.description.contains("chained"))
        }
    }

    @Test("refuses a page with a wrong CRC")
    func refusesBadCRC() throws {
        var bytes = try Self.make(codec: "libopus", ext: "opus", longComment: false)
        bytes[bytes.count - 1] ^= 0x55
        #expect(throws: ScrubError.self) { try scrub(bytes) }
    }
}
