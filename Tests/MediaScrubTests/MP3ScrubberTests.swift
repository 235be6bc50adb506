import Foundation
import Testing
@testable import MediaScrub

@Suite("MP3 scrubber on files made by ffmpeg", .enabled(if: FFmpeg.path != nil, "ffmpeg not installed"))
struct MP3GeneratedTests {
    static let marker = "MARKER-mp3-7f3a9c"

    static func make(seconds: Int = 2, _ options: [String]) throws -> [UInt8] {
        let cover = try FFmpeg.coverPNG()
        defer { try? FileManager.default.removeItem(at: cover) }
        return try FFmpeg.make(ext: "mp3", [
            "-f", "lavfi", "-i", "sine=frequency=440:duration=\(seconds)", "-i", cover.path, "-map", "0:a", "-map", "1:v",
            "-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic",
            "-metadata", "artist=\(marker)-artist", "-metadata", "title=\(marker)-title", "-metadata", "comment=\(marker)-comment",
            "-metadata", "album=\(marker)-album", "-metadata", "date=2024", "-metadata:s:v", "comment=Cover (front)",
        ] + options)
    }

    /// An APEv2 tag holding one Artist item, with or without its header.
    static func apeTag(withHeader: Bool) -> [UInt8] {
        let value = Array("\(marker)-ape".utf8)
        let item = le32(value.count) + le32(0) + Array("Artist".utf8) + [0] + value
        func frame(isHeader: Bool) -> [UInt8] {
            let flags = (withHeader ? 0x8000_0000 : 0) | (isHeader ? 0x2000_0000 : 0)
            return Array("APETAGEX".utf8) + le32(2000) + le32(item.count + 32) + le32(1) + le32(flags) + [UInt8](repeating: 0, count: 8)
        }
        return (withHeader ? frame(isHeader: true) : []) + item + frame(isHeader: false)
    }

    static func lyrics3v2() -> [UInt8] {
        let lyrics = "[00:00]\(marker)-lyrics"
        let body = Array("LYRICSBEGIN".utf8) + Array("IND00002".utf8) + Array("10".utf8)
            + Array(("LYR" + String(format: "%05d", lyrics.utf8.count) + lyrics).utf8)
        return body + Array(String(format: "%06d", body.count).utf8) + Array("LYRICS200".utf8)
    }

    static func extendedID3v1() -> [UInt8] {
        let text = Array("TAG+".utf8) + Array("\(marker)-ext".utf8)
        return text + [UInt8](repeating: 0, count: 227 - text.count)
    }

    static func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// Checks `original` (`reference` plus hand-made tags, which ffmpeg itself may misread as audio) scrubs clean.
    static func check(_ original: [UInt8], reference: [UInt8], removedAtLeast labels: [String]) throws {
        #expect(original.contains(bytes: Array(marker.utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .mp3)
        #expect(!cleaned.contains(bytes: Array(marker.utf8)))
        #expect(!cleaned.contains(bytes: Array("ID3".utf8)) && !cleaned.contains(bytes: Array("APETAGEX".utf8)))
        #expect(!cleaned.contains(bytes: Array("LYRICS".utf8)) && !cleaned.contains(bytes: Array("Lavf".utf8)))
        // The Xing/Info frame loses the encoder version, and the audio frames the "LAME3.100" in their ancillary bits.
        #expect(!LAME.containsVersionAtAnyBit(cleaned))
        let infoFrame = cleaned.prefix(try #require(MPEGFrameHeaderView(cleaned)).frameLength)
        let encoderVersion = (0..<max(0, infoFrame.count - 5)).contains { index in
            ["Lavc", "LAME"].contains { infoFrame[index..<(index + 4)].elementsEqual($0.utf8) } && (0x30...0x39).contains(infoFrame[index + 4])
        }
        #expect(infoFrame.contains(bytes: Array("Info".utf8)) && !encoderVersion)
        for label in labels { #expect(report.removed.contains { $0.what == label }, "\(label) not reported") }
        #expect(try FFmpeg.pcmHash(cleaned, ext: "mp3") == FFmpeg.pcmHash(reference, ext: "mp3"))
        let (again, secondReport) = try scrub(cleaned)
        let unchanged = again == cleaned
        #expect(unchanged && secondReport.isEmpty)
        if Tool.exiftool != nil { #expect(try AudioLeak.find(cleaned, ext: "mp3") == []) }
    }

    @Test("ID3v2.3 with cover art, Lyrics3 v2, APEv2 with header, TAG+ and ID3v1 at the end")
    func id3v23AndEndTags() throws {
        let made = try Self.make(["-id3v2_version", "3", "-write_id3v1", "1"])
        #expect(made.suffix(128).starts(with: Array("TAG".utf8)))
        let original: [UInt8] = Array(made.dropLast(128)) + Self.lyrics3v2() + Self.apeTag(withHeader: true) + Self.extendedID3v1() + Array(made.suffix(128))
        try Self.check(original, reference: made, removedAtLeast: [
            "ID3v2 tag", "ID3v1 tag", "ID3v1 extended tag (TAG+)", "APEv2 tag", "Lyrics3 tag",
            "encoder version in the Xing/Info (LAME) frame",
        ])
    }

    @Test("ID3v2.4 and a footer-only APEv2 tag after 20 s of audio (more than the held-back tail)")
    func id3v24AndLongFile() throws {
        let made = try Self.make(seconds: 20, ["-id3v2_version", "4", "-b:a", "128k"])
        #expect(made.count > AudioTags.tailWindow)
        try Self.check(made + Self.apeTag(withHeader: false), reference: made, removedAtLeast: ["ID3v2 tag", "APEv2 tag"])
    }

    @Test("an ID3v2 tag between frames is dropped")
    func midStreamTag() throws {
        let made = try Self.make(["-id3v2_version", "3"])
        let (plain, _) = try scrub(made)
        var split = 0
        for _ in 0..<3 { split += try #require(MPEGFrameHeaderView(Array(plain[split...]))).frameLength }
        let id3 = Array(made.prefix(10 + made[6..<10].reduce(0) { $0 << 7 | Int($1) }))
        let original = Array(plain.prefix(split)) + id3 + Array(plain.dropFirst(split))
        let (cleaned, report) = try scrub(original)
        let same = cleaned == plain
        #expect(same)
        #expect(report.removed.contains { $0.what == "ID3v2 tag" })
    }

    @Test("a bare MPEG stream without ID3 or Xing is sniffed by its frame header and loses only its ancillary bits")
    func bareStream() throws {
        let made = try FFmpeg.make(ext: "mp3", [
            "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "libmp3lame", "-write_xing", "0", "-id3v2_version", "0",
        ])
        #expect(MediaSniffer.sniff(made.prefix(64)) == .mp3)
        let (cleaned, report) = try scrub(made)
        #expect(cleaned.count == made.count && report.removed.map(\.what) == [LayerIIIAncillaryEraser.label])
        #expect(try FFmpeg.pcmHash(cleaned, ext: "mp3") == FFmpeg.pcmHash(made, ext: "mp3"))
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.isEmpty)
    }

    @Test("refuses input with no MPEG audio frames")
    func refusesNonAudio() throws {
        var random = SplitMix64(seed: 9)
        let noise = [0xFF, 0xFB, 0x90, 0x64] + (0..<5000).map { _ in UInt8(truncatingIfNeeded: random.next() & 0x7F) }
        #expect(throws: ScrubError.self) { try scrub(noise, as: .mp3) }
    }
}

/// The first frame header of an MPEG audio stream, decoded independently of the scrubber (MPEG-1 layer III only).
struct MPEGFrameHeaderView {
    let frameLength: Int

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] & 0xFE == 0xFA else { return nil }
        let bitrate = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][Int(bytes[2] >> 4)] * 1000
        let rate = [44100, 48000, 32000][Int((bytes[2] >> 2) & 3)]
        frameLength = 144 * bitrate / rate + Int((bytes[2] >> 1) & 1)
    }
}
