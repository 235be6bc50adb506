import Foundation
import MediaScrub

/// AVI files built byte by byte from the AVI/OpenDML layout, with the metadata dashcams and cameras write, and the
/// oracles the AVI tests use (ffmpeg, ffprobe, exiftool, and an independent chunk walk).
enum AVIFixture {
    static let ffprobe = Tool.find("ffprobe")

    /// Values planted in the metadata; none may survive scrubbing.
    static let planted = [
        "MARKER", "PENTAX", "K-5 4012345", "5130.1234", "00007.5678", "MON MAY 06", "2024", "Lavf-fake", "dashcam-cam",
    ]

    /// A `LIST` of `listType` around `chunks`.
    static func list(_ listType: String, _ chunks: [[UInt8]]) -> [UInt8] {
        testChunk("LIST", Array(listType.utf8) + chunks.flatMap { $0 })
    }

    /// A chunk as a cleaned file should hold it when it is metadata: `JUNK`, the same size, zeroed.
    static func junk(as chunk: [UInt8]) -> [UInt8] {
        Array("JUNK".utf8) + chunk[4..<8] + [UInt8](repeating: 0, count: chunk.count - 8)
    }

    /// `chunk`, or its zeroed `JUNK` stand-in when `cleaned`.
    static func metadata(_ chunk: [UInt8], cleaned: Bool) -> [UInt8] {
        cleaned ? junk(as: chunk) : chunk
    }

    static func le32(_ value: Int) -> [UInt8] {
        [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    static func le16(_ value: Int) -> [UInt8] {
        [0, 8].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    /// A stream header: type, handler, then the fields up to `rcFrame` (56 bytes).
    static func strh(_ type: String, rate: Int, sampleSize: Int, length: Int) -> [UInt8] {
        testChunk("strh", Array(type.utf8) + [0, 0, 0, 0] + le32(0) + le16(0) + le16(0) + le32(0) + le32(1) + le32(rate)
            + le32(0) + le32(length) + le32(4096) + le32(0xFFFF_FFFF) + le32(sampleSize) + le16(0) + le16(0) + le16(8) + le16(8))
    }

    static let width = 8, height = 8, frameBytes = 8 * 8 * 3, audioBytesPerFrame = 800

    /// A dashcam-style AVI: raw 8×8 BGR video at 10 fps, 8-bit PCM audio, and a `txts` stream of GPS sentences
    /// interleaved in `movi`; an `IDIT` date, `ISMP`, a `strd` with a camera model and serial, a `strn`, a maker `JUNK`,
    /// Exif and Pentax lists, a `gps0` chunk, an `idx1`, a `LIST INFO` after the movie data, and a `RIFF AVIX`
    /// part with two more frames. With `cleaned`, the file the scrubber should make of it.
    static func dashcam(frames: Int = 6, cleaned: Bool = false) -> [UInt8] {
        let avih = testChunk("avih", le32(100_000) + le32(10_000) + le32(0) + le32(0x10) + le32(frames) + le32(0) + le32(3)
            + le32(4096) + le32(width) + le32(height) + (cleaned ? [UInt8](repeating: 0, count: 16) : Array("MARKER-reserved!".utf8)))
        let bitmapInfo = le32(40) + le32(width) + le32(height) + le16(1) + le16(24) + le32(0) + le32(frameBytes)
            + le32(0) + le32(0) + le32(0) + le32(0)
        let video = list("strl", [
            strh("vids", rate: 10, sampleSize: 0, length: frames), testChunk("strf", bitmapInfo),
            metadata(testChunk("strd", Array("PENTAX K-5 4012345 MARKER-strd".utf8)), cleaned: cleaned),
            metadata(testChunk("strn", Array("MARKER-stream-name".utf8)), cleaned: cleaned),
        ])
        let waveFormat = le16(1) + le16(1) + le32(8000) + le32(8000) + le16(1) + le16(8)
        let audio = list("strl", [strh("auds", rate: 8000, sampleSize: 1, length: frames * audioBytesPerFrame), testChunk("strf", waveFormat)])
        let textFormat = Array("MARKER-gps-format!".utf8)
        let text = list("strl", [
            strh("txts", rate: 10, sampleSize: 0, length: frames),
            Array("strf".utf8) + le32(textFormat.count) + (cleaned ? [UInt8](repeating: 0, count: textFormat.count) : textFormat),
        ])
        let odml = list("odml", [testChunk("dmlh", le32(frames) + [UInt8](repeating: 0, count: 244))])
        let idit = metadata(testChunk("IDIT", Array("MON MAY 06 07:08:09 2024\n\0".utf8)), cleaned: cleaned)
        let ismp = metadata(testChunk("ISMP", Array("07:08:09:00 MARKER".utf8)), cleaned: cleaned)
        let hdrl = list("hdrl", [avih, video, audio, text, odml, idit, ismp])
        let makerJunk = testChunk("JUNK", Array("PENTAX Corporation dashcam-cam MARKER-junk".utf8) + [UInt8](repeating: 0, count: 30))
        let exif = list("exif", [testChunk("emdl", Array("MARKER-exif-model".utf8)), testChunk("etim", Array("2024:05:06".utf8))])
        let pentax = list("hydt", [testChunk("mdl ", Array("PENTAX MARKER".utf8))])
        let gps0 = testChunk("gps0", Array("5130.1234N00007.5678W MARKER".utf8))
        var movi: [[UInt8]] = []
        var index: [[UInt8]] = []
        var position = 4  // idx1 offsets count from the movi list type
        func add(_ id: String, _ payload: [UInt8], flags: Int, zeroed: Bool = false) {
            index.append(Array(id.utf8) + le32(flags) + le32(position) + le32(payload.count))
            let chunk = testChunk(id, payload)
            movi.append(zeroed ? Array(chunk[0..<8]) + [UInt8](repeating: 0, count: chunk.count - 8) : chunk)
            position += chunk.count
        }
        for frame in 0..<frames {
            add("00db", (0..<frameBytes).map { UInt8(truncatingIfNeeded: $0 * 7 + frame * 31) }, flags: 0x10)
            add("01wb", (0..<audioBytesPerFrame).map { UInt8(truncatingIfNeeded: 128 + ($0 * (frame + 3)) % 64) }, flags: 0x10)
            let sentence = "$GPRMC,07080\(frame),A,5130.1234,N,00007.5678,W,0.5,0.0,060524,,*MARKER"
            add("02tx", Array(sentence.utf8), flags: 0, zeroed: cleaned)
        }
        let info = list("INFO", [testChunk("ISFT", Array("Lavf-fake MARKER".utf8)), testChunk("ICRD", Array("2024-05-06".utf8))])
        let more = (0..<2).map { frame in testChunk("00db", [UInt8](repeating: UInt8(40 + frame), count: frameBytes)) }
        return testContainer("RIFF", "AVI ", [
            hdrl, metadata(makerJunk, cleaned: cleaned), metadata(exif, cleaned: cleaned),
            metadata(pentax, cleaned: cleaned), metadata(gps0, cleaned: cleaned), list("movi", movi),
            testChunk("idx1", index.flatMap { $0 }), metadata(info, cleaned: cleaned),
        ]) + testContainer("RIFF", "AVIX", [list("movi", more), metadata(testChunk("ISFT", Array("MARKER-avix".utf8)), cleaned: cleaned)])
    }

    /// An ffmpeg-written AVI with dashcam metadata written over its JUNK chunks, so that no offset moves: a `strd` over
    /// the first stream's, `IDIT` and `ISMP` over the header list's, maker text over the last; and a `LIST INFO`
    /// appended after `idx1`.
    static func withDashcamChunks(_ file: [UInt8]) -> [UInt8] {
        var bytes = file
        let junks = chunks(file).filter { $0.type == "JUNK" }.map(\.offset)
        fill(&bytes, junkAt: junks[0], with: [testChunk("strd", Array("PENTAX K-5 4012345 MARKER-strd".utf8))])
        fill(&bytes, junkAt: junks[junks.count - 2], with: [
            testChunk("IDIT", Array("MON MAY 06 07:08:09 2024\n\0".utf8)), testChunk("ISMP", Array("07:08:09:00 MARKER".utf8)),
        ])
        fill(&bytes, junkAt: junks[junks.count - 1], with: [testChunk("JUNK", Array("PENTAX Corporation dashcam-cam MARKER-junk".utf8))])
        bytes += list("INFO", [testChunk("IART", Array("MARKER-after".utf8)), testChunk("ICRD", Array("2024-05-06".utf8))])
        bytes.replaceSubrange(4..<8, with: le32(bytes.count - 8))
        return bytes
    }

    /// Writes `chunks` over the JUNK chunk at `offset`, followed by a JUNK chunk of what is left of it.
    private static func fill(_ bytes: inout [UInt8], junkAt offset: Int, with chunks: [[UInt8]]) {
        let total = 8 + bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let written = chunks.flatMap { $0 }
        precondition(total - written.count >= 8, "the JUNK chunk at \(offset) is too small")
        bytes.replaceSubrange(offset..<(offset + total), with: written + testChunk("JUNK", [UInt8](repeating: 0, count: total - written.count - 8)))
    }

    /// An independent walk: the (offset, type, list type) of each chunk, depth first.
    static func chunks(_ bytes: [UInt8]) -> [(offset: Int, type: String, listType: String?)] {
        var found: [(offset: Int, type: String, listType: String?)] = []
        func walk(_ start: Int, _ end: Int) {
            var offset = start
            while offset + 8 <= end {
                let type = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
                let size = bytes[(offset + 4)..<(offset + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
                let isList = (type == "RIFF" || type == "LIST") && size >= 4
                found.append((offset, type, isList ? String(decoding: bytes[(offset + 8)..<(offset + 12)], as: UTF8.self) : nil))
                if isList { walk(offset + 12, min(offset + 8 + size, end)) }
                offset += 8 + size + size % 2
            }
        }
        walk(0, bytes.count)
        return found
    }

    /// ffmpeg's hash of the decoded video and audio (`-map 0:v -map 0:a -f streamhash`).
    static func mediaHash(_ bytes: [UInt8]) throws -> String {
        let file = try TemporaryFile(bytes, ext: "avi")
        let hash = try Tool.run(RIFFFamily.ffmpeg!, ["-v", "error", "-i", file.url.path, "-map", "0:v", "-map", "0:a", "-f", "streamhash", "-"])
        return String(decoding: hash, as: UTF8.self)
    }

    /// ffprobe's list of streams (codec type and name), which fails when ffprobe cannot read the file.
    static func probe(_ bytes: [UInt8]) throws -> String {
        let file = try TemporaryFile(bytes, ext: "avi")
        let streams = try Tool.run(ffprobe!, ["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv", file.url.path])
        return String(decoding: streams, as: UTF8.self)
    }

    /// exiftool's `-ee -G1 -a -u` listing, as text.
    static func exiftoolListing(_ bytes: [UInt8]) throws -> String {
        let file = try TemporaryFile(bytes, ext: "avi")
        let listing = String(decoding: try Tool.run(Tool.exiftool!, ["-ee", "-G1", "-a", "-u", file.url.path]), as: UTF8.self)
        // The file's own name, dates and exiftool's version say nothing of the file's content.
        return listing.split(separator: "\n").filter { !$0.hasPrefix("[System]") && !$0.hasPrefix("[ExifTool]") }.joined(separator: "\n")
    }

    /// The planted values found in exiftool's listing or anywhere in the bytes.
    static func plantedValues(in bytes: [UInt8]) throws -> [String] {
        let listing = try exiftoolListing(bytes)
        return planted.filter { listing.contains($0) || RIFFFamily.contains(bytes, Array($0.utf8)) }
    }
}
