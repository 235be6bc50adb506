import Foundation
import Testing
@testable import MediaScrub

@Suite("FLAC scrubber on files made by ffmpeg", .enabled(if: FFmpeg.path != nil, "ffmpeg not installed"))
struct FLACGeneratedTests {
    static let marker = "MARKER-flac-51c2e8"

    static func make() throws -> [UInt8] {
        let cover = try FFmpeg.coverPNG()
        defer { try? FileManager.default.removeItem(at: cover) }
        return try FFmpeg.make(ext: "flac", [
            "-f", "lavfi", "-i", "sine=frequency=330:duration=3", "-i", cover.path, "-map", "0:a", "-map", "1:v",
            "-c:a", "flac", "-c:v", "png", "-disposition:v", "attached_pic",
            "-metadata", "artist=\(marker)-artist", "-metadata", "comment=\(marker)-comment",
            "-metadata", "date=2024-05-01", "-metadata:s:v", "title=\(marker)-picture",
        ])
    }

    /// Metadata blocks as (type, isLast, length) and the offset of the first frame.
    static func blocks(_ bytes: [UInt8]) -> (blocks: [(type: UInt8, isLast: Bool, data: [UInt8])], audioStart: Int)? {
        guard bytes.starts(with: Array("fLaC".utf8)) else { return nil }
        var index = 4
        var result: [(UInt8, Bool, [UInt8])] = []
        while index + 4 <= bytes.count {
            let length = Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            guard index + 4 + length <= bytes.count else { return nil }
            result.append((bytes[index] & 0x7F, bytes[index] & 0x80 != 0, Array(bytes[(index + 4)..<(index + 4 + length)])))
            index += 4 + length
            if bytes[index - 4 - length] & 0x80 != 0 { return (result, index) }
        }
        return nil
    }

    @Test("drops tags, vendor string and picture; keeps STREAMINFO, SEEKTABLE and every frame byte")
    func generated() throws {
        let original = try Self.make()
        let before = try #require(Self.blocks(original))
        #expect(before.blocks.contains { $0.type == 6 } && before.blocks.contains { $0.type == 4 })
        let (cleaned, report) = try scrub(original)
        let after = try #require(Self.blocks(cleaned))
        #expect(after.blocks.map(\.type) == before.blocks.filter { [0, 3].contains($0.type) }.map(\.type))
        #expect(after.blocks.map(\.data) == before.blocks.filter { [0, 3].contains($0.type) }.map(\.data))
        #expect(after.blocks.map(\.isLast) == after.blocks.indices.map { $0 == after.blocks.count - 1 })
        let sameFrames = cleaned[after.audioStart...] == original[before.audioStart...]
        #expect(sameFrames)
        #expect(!cleaned.contains(bytes: Array(Self.marker.utf8)) && !cleaned.contains(bytes: Array("Lavf".utf8)))
        #expect(report.removed.contains { $0.what == "FLAC picture" })
        #expect(try FFmpeg.packetHash(cleaned, ext: "flac") == FFmpeg.packetHash(original, ext: "flac"))
        #expect(try FFmpeg.pcmHash(cleaned, ext: "flac") == FFmpeg.pcmHash(original, ext: "flac"))
        if Tool.exiftool != nil { #expect(try AudioLeak.find(cleaned, ext: "flac") == []) }
    }

    @Test("removes an ID3v2 tag before fLaC and an ID3v1 tag after the frames")
    func id3AroundFLAC() throws {
        let flac = try Self.make()
        let mp3 = try MP3GeneratedTests.make(["-id3v2_version", "3", "-write_id3v1", "1"])
        let id3Size = 10 + mp3[6..<10].reduce(0) { $0 << 7 | Int($1) }
        let original = Array(mp3.prefix(id3Size)) + flac + Array(mp3.suffix(128))
        #expect(MediaSniffer.sniff(original.prefix(64)) == .mp3)
        let (cleaned, report) = try scrub(original)
        let (plain, _) = try scrub(flac)
        #expect(report.mediaType == .flac)
        let same = cleaned == plain
        #expect(same)
        #expect(report.removed.contains { $0.what == "ID3v2 tag" } && report.removed.contains { $0.what == "ID3v1 tag" })
        #expect(try FFmpeg.packetHash(cleaned, ext: "flac") == FFmpeg.packetHash(flac, ext: "flac"))
    }

    @Test("refuses a FLAC file whose first block is not STREAMINFO, or whose frames lack a sync code")
    func refusesMalformed() throws {
        let flac = try Self.make()
        var wrongFirst = flac
        wrongFirst[4] = (wrongFirst[4] & 0x80) | 1
        #expect(throws: ScrubError.self) { try scrub(wrongFirst, as: .flac) }
        let before = try #require(Self.blocks(flac))
        var noSync = flac
        noSync[before.audioStart] = 0
        #expect(throws: ScrubError.self) { try scrub(noSync, as: .flac) }
    }
}
