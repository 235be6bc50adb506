import Foundation
import Testing
@testable import MediaScrub

@Suite("AIFF scrubber on synthetic and generated files")
struct AIFFScrubberTests {
    static let common = testChunk("COMM", [0, 1, 0, 0, 0, 2, 0, 8, 0x40, 0x0B, 0xAC, 0x44, 0, 0, 0, 0, 0, 0], bigEndian: true)
    static let sound = testChunk("SSND", [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3], bigEndian: true)

    @Test("keeps COMM, FVER, MARK, INST and SSND; drops NAME, AUTH, (c), ANNO, COMT, ID3, APPL, unknown and chunks after SSND")
    func dropsEverything() throws {
        func chunk(_ type: String, _ text: String) -> [UInt8] { testChunk(type, Array(text.utf8), bigEndian: true) }
        let fver = testChunk("FVER", [0xA2, 0x80, 0x51, 0x40], bigEndian: true)
        let mark = testChunk("MARK", [0, 0], bigEndian: true)
        let input = testContainer("FORM", "AIFC", [
            fver, chunk("NAME", "MARKER-name"), Self.common, chunk("AUTH", "MARKER-auth"), chunk("(c) ", "MARKER-c"), mark,
            chunk("ANNO", "MARKER-anno"), chunk("COMT", "MARKER-comt"), chunk("APPL", "MARKER-appl"), chunk("ID3 ", "ID3MARKER"),
            Self.sound, chunk("INST", "MARKER-after"), chunk("ANNO", "MARKER-x"),
        ], bigEndian: true)
        let (output, report) = try scrub(input, as: .aiff, chunkSizes: .fixed(3))
        #expect(output == testContainer("FORM", "AIFC", [fver, Self.common, mark, Self.sound], bigEndian: true))
        #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)))
        #expect(report.removed.map(\.what) == [
            "AIFF text chunk NAME", "AIFF text chunk AUTH", "AIFF text chunk (c) ", "AIFF text chunk ANNO", "AIFF text chunk COMT",
            "AIFF chunk APPL", "AIFF ID3 chunk ID3 ", "AIFF chunk INST after the sound data",
        ])
        #expect(output.count + report.removed.reduce(0) { $0 + $1.bytes } == input.count)
    }

    @Test("refuses SSND before COMM and a file without COMM")
    func refusesMalformed() {
        #expect(throws: ScrubError.malformed("the AIFF SSND chunk comes before any COMM chunk")) {
            try scrub(testContainer("FORM", "AIFF", [Self.sound, Self.common], bigEndian: true), as: .aiff)
        }
        #expect(throws: ScrubError.malformed("the AIFF file has no COMM chunk")) {
            try scrub(testContainer("FORM", "AIFF", [testChunk("NAME", [1], bigEndian: true)], bigEndian: true), as: .aiff)
        }
    }

    @Test("removes ffmpeg metadata and hand-added NAME, AUTH, ANNO chunks, audio unchanged",
          .enabled(if: RIFFFamily.ffmpeg != nil && Tool.exiftool != nil, "ffmpeg or exiftool not installed"))
    func generated() throws {
        let directory = try RIFFFamily.Directory()
        let file = directory.path("a.aiff")
        try RIFFFamily.make(RIFFFamily.ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "sine=duration=0.5", "-write_id3v2", "1",
                                                "-metadata", "title=MARKER-title", "-metadata", "artist=MARKER-artist",
                                                "-metadata", "comment=MARKER-comment", "-metadata", "copyright=MARKER-copy", file])
        var original = try directory.bytes("a.aiff")
        for (type, text) in [("NAME", "MARKER-name"), ("AUTH", "MARKER-auth"), ("ANNO", "MARKER-anno!")] {
            original += testChunk(type, Array(text.utf8), bigEndian: true)
        }
        let size = UInt32(original.count - 8)
        original.replaceSubrange(4..<8, with: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) })
        #expect(RIFFFamily.contains(original, Array("MARKER-artist".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .aiff)
        #expect(!RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        #expect(try RIFFFamily.audioHashes(cleaned, ext: "aiff") == RIFFFamily.audioHashes(original, ext: "aiff"))
        #expect(RIFFFamily.leaks(try Tool.exiftoolTags(cleaned, ext: "aiff"), iccIsLeak: true) == [])
    }
}
