import Foundation
import Testing
@testable import MediaScrub

@Suite("WAV scrubber on synthetic and generated files")
struct WAVScrubberTests {
    static let format = testChunk("fmt ", [1, 0, 1, 0, 0x40, 0x1F, 0, 0, 0x40, 0x1F, 0, 0, 1, 0, 8, 0])

    @Test("keeps fmt, fact, cue and data; drops LIST, id3, bext, iXML, cart, JUNK, unknown and everything after data")
    func dropsEverything() throws {
        let fact = testChunk("fact", [3, 0, 0, 0])
        let cue = testChunk("cue ", [0, 0, 0, 0])
        let data = testChunk("data", [0x80, 0x81, 0x82])
        let list = testChunk("LIST", Array("INFOIART".utf8) + [7, 0, 0, 0] + Array("MARKER!".utf8) + [0])
        let bext = testChunk("bext", Array("MARKER-bext".utf8))
        let ixml = testChunk("iXML", Array("<BWFXML>MARKER-ixml</BWFXML>".utf8))
        let id3 = testChunk("id3 ", Array("ID3\u{3}MARKER-id3".utf8))
        let input = testContainer("RIFF", "WAVE", [
            Self.format, list, bext, fact, testChunk("JUNK", [0, 0, 0, 0]), cue, ixml, testChunk("cart", Array("MARKER".utf8)),
            testChunk("zzzz", [1]), data, testChunk("smpl", [0, 0]), id3, testChunk("LIST", Array("adtlMARKER".utf8)),
        ])
        let (output, report) = try scrub(input, as: .wav, chunkSizes: .fixed(3))
        #expect(output == testContainer("RIFF", "WAVE", [Self.format, fact, cue, data]))
        #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)))
        #expect(report.removed.map(\.what) == [
            "WAV LIST chunk (INFO tags or labels)", "WAV broadcast extension chunk bext", "WAV chunk JUNK", "WAV iXML chunk",
            "WAV chunk cart", "WAV chunk zzzz", "WAV chunk smpl after the audio data", "WAV ID3 chunk id3 ",
        ])
        #expect(output.count + report.removed.reduce(0) { $0 + $1.bytes } == input.count)
    }

    @Test("refuses a file without fmt before data, without data, or cut inside data; RF64 is not WAV")
    func refusesMalformed() {
        #expect(throws: ScrubError.malformed("the WAV data chunk comes before any fmt chunk")) {
            try scrub(testContainer("RIFF", "WAVE", [testChunk("data", [1, 2])]), as: .wav)
        }
        #expect(throws: ScrubError.malformed("the WAV file has no data chunk")) {
            try scrub(testContainer("RIFF", "WAVE", [Self.format]), as: .wav)
        }
        #expect(throws: ScrubError.self) {
            try scrub(Array(testContainer("RIFF", "WAVE", [Self.format, testChunk("data", [1, 2, 3, 4])]).dropLast(2)), as: .wav)
        }
        #expect(throws: ScrubError.unsupportedType) {
            try scrub(Array("RF64".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + Array("WAVE".utf8) + Self.format)
        }
    }

    @Test("streams a large data chunk and writes the right RIFF size")
    func largeData() throws {
        var random = SplitMix64(seed: 21)
        let samples = (0..<3_000_001).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let input = testContainer("RIFF", "WAVE", [Self.format, testChunk("data", samples), testChunk("LIST", Array("INFOabcd".utf8))])
        let (output, _) = try scrub(input, as: .wav)
        #expect(output == testContainer("RIFF", "WAVE", [Self.format, testChunk("data", samples)]))
    }

    @Test("removes ffmpeg metadata and hand-added id3, bext and iXML chunks, audio unchanged",
          .enabled(if: RIFFFamily.ffmpeg != nil && Tool.exiftool != nil, "ffmpeg or exiftool not installed"))
    func generated() throws {
        let directory = try RIFFFamily.Directory()
        let file = directory.path("a.wav")
        try RIFFFamily.make(RIFFFamily.ffmpeg, ["-v", "error", "-f", "lavfi", "-i", "sine=duration=0.5", "-write_bext", "1",
                                                "-metadata", "title=MARKER-title", "-metadata", "artist=MARKER-artist",
                                                "-metadata", "comment=MARKER-comment", "-metadata", "date=2024",
                                                "-metadata", "originator=MARKER-originator", "-metadata", "encoded_by=MARKER-enc", file])
        var original = try directory.bytes("a.wav")
        original += testChunk("id3 ", Array("ID3\u{4}\0\0MARKER-id3".utf8)) + testChunk("iXML", Array("<BWFXML>MARKER-ixml</BWFXML>".utf8))
        let size = UInt32(original.count - 8)
        original.replaceSubrange(4..<8, with: [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: size >> $0) })
        #expect(RIFFFamily.contains(original, Array("MARKER-artist".utf8)))
        #expect(RIFFFamily.contains(original, Array("MARKER-originator".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .wav)
        #expect(!RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        #expect(try RIFFFamily.audioHashes(cleaned, ext: "wav") == RIFFFamily.audioHashes(original, ext: "wav"))
        #expect(RIFFFamily.leaks(try Tool.exiftoolTags(cleaned, ext: "wav"), iccIsLeak: true) == [])
    }
}
