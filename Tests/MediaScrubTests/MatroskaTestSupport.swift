import Foundation
import MediaScrub

/// Matroska files spelled out byte by byte from RFC 8794 and RFC 9559, and oracles for cleaned files; nothing here
/// shares code with the scrubber.
enum MKV {
    static let mkvmerge = Tool.find("mkvmerge")
    static let mkvinfo = Tool.find("mkvinfo")
    static let ffprobe = Tool.find("ffprobe")

    /// An element: the ID bytes as written, a size field (1 byte below 127, else 8 bytes), the data.
    static func element(_ id: [UInt8], _ data: [UInt8]) -> [UInt8] {
        if data.count < 127 { return id + [0x80 | UInt8(data.count)] + data }
        return id + sizeField(data.count) + data
    }

    /// An element of unknown size (8-byte all-ones size field), as live writers start Segments and Clusters.
    static func unknownSize(_ id: [UInt8], _ data: [UInt8]) -> [UInt8] {
        id + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + data
    }

    static func text(_ id: [UInt8], _ value: String) -> [UInt8] { element(id, Array(value.utf8)) }

    /// An 8-byte size field holding `size`.
    static func sizeField(_ size: Int) -> [UInt8] {
        [0x01] + (0..<7).reversed().map { UInt8(truncatingIfNeeded: size >> (8 * $0)) }
    }

    /// A Void element of `total` bytes (2 to 128) with zeroed data: ID 0xEC, a 1-byte size.
    static func void(total: Int) -> [UInt8] {
        [0xEC, 0x80 | UInt8(total - 2)] + [UInt8](repeating: 0, count: total - 2)
    }

    static let ebmlID: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3]
    static let segmentID: [UInt8] = [0x18, 0x53, 0x80, 0x67]
    static let seekHeadID: [UInt8] = [0x11, 0x4D, 0x9B, 0x74]
    static let infoID: [UInt8] = [0x15, 0x49, 0xA9, 0x66]
    static let tracksID: [UInt8] = [0x16, 0x54, 0xAE, 0x6B]
    static let clusterID: [UInt8] = [0x1F, 0x43, 0xB6, 0x75]
    static let cuesID: [UInt8] = [0x1C, 0x53, 0xBB, 0x6B]
    static let tagsID: [UInt8] = [0x12, 0x54, 0xC3, 0x67]
    static let attachmentsID: [UInt8] = [0x19, 0x41, 0xA4, 0x69]
    static let chaptersID: [UInt8] = [0x10, 0x43, 0xA7, 0x70]
    static let crcID: [UInt8] = [0xBF]

    /// An EBML header naming `docType`.
    static func header(_ docType: String) -> [UInt8] {
        element(ebmlID, element([0x42, 0x86], [1]) + element([0x42, 0xF7], [1]) + element([0x42, 0xF2], [4])
            + element([0x42, 0xF3], [8]) + text([0x42, 0x82], docType) + element([0x42, 0x87], [4]) + element([0x42, 0x85], [2]))
    }

    /// A Seek entry pointing at the element `id` at `position`.
    static func seek(_ id: [UInt8], _ position: UInt8) -> [UInt8] {
        element([0x4D, 0xBB], element([0x53, 0xAB], id) + element([0x53, 0xAC], [position]))
    }

    /// A SimpleBlock of track 1 at time 0, a keyframe, with `payload` as its frame.
    static func simpleBlock(_ payload: [UInt8]) -> [UInt8] {
        element([0xA3], [0x81, 0x00, 0x00, 0x80] + payload)
    }

    /// The children of the level-1 elements of the first Segment: (ID bytes, data range), by an independent walk.
    static func levelOne(_ bytes: [UInt8]) -> [(id: [UInt8], data: Range<Int>)]? {
        func vint(_ at: Int) -> (length: Int, value: Int)? {
            guard at < bytes.count, bytes[at] != 0 else { return nil }
            let length = bytes[at].leadingZeroBitCount + 1
            guard at + length <= bytes.count else { return nil }
            var value = Int(bytes[at]) & (0xFF >> length)
            for byte in bytes[(at + 1)..<(at + length)] { value = value << 8 | Int(byte) }
            return (length, value == (1 << (7 * length)) - 1 ? -1 : value)
        }
        guard let ebmlSize = vint(4) else { return nil }
        var index = 4 + ebmlSize.length + ebmlSize.value
        guard bytes.count >= index + 4, Array(bytes[index..<(index + 4)]) == segmentID, let segmentSize = vint(index + 4) else { return nil }
        index += 4 + segmentSize.length
        var elements: [(id: [UInt8], data: Range<Int>)] = []
        while index < bytes.count, let idLength = vint(index)?.length, let size = vint(index + idLength) {
            let id = Array(bytes[index..<(index + idLength)])
            let start = index + idLength + size.length
            if size.value < 0 {  // an unknown-size Cluster: its children follow at this level
                elements.append((id, start..<start))
                index = start
                continue
            }
            guard start + size.value <= bytes.count else { return nil }
            elements.append((id, start..<(start + size.value)))
            index = start + size.value
        }
        return elements
    }

    /// Whether every level-1 element that starts with a CRC-32 child holds the right checksum (bitwise CRC-32).
    static func checksumsHold(_ bytes: [UInt8]) -> Bool {
        guard let elements = levelOne(bytes) else { return false }
        return elements.allSatisfy { element in
            let data = element.data
            guard data.count >= 6, bytes[data.lowerBound] == 0xBF, bytes[data.lowerBound + 1] == 0x84 else { return true }
            let stored = bytes[(data.lowerBound + 2)..<(data.lowerBound + 6)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return PNGChunk.bitwiseCRC(Array(bytes[(data.lowerBound + 6)..<data.upperBound])) == stored
        }
    }

    /// exiftool tag names that must not survive: titles, dates, writing applications, names, attachments, tags.
    static let identifyingNames: Set<String> = [
        "Title", "DateTimeOriginal", "MuxingApp", "WritingApp", "TrackName", "SegmentUID", "SegmentFileName", "AttachedFileName",
        "AttachedFileData", "AttachedFileMIMEType", "AttachedFileDescription", "AttachedFileUID", "ChapterName", "ChapterString",
        "ChapterTimeStart", "Artist", "Encoder", "Comment", "Description", "TagString", "TagName", "CodecName", "Album",
    ]

    /// The identifying keys exiftool (`-ee -G1 -a -u`) finds in `bytes`, and the keys whose value holds a marker.
    static func leaks(_ bytes: [UInt8], ext: String, markers: [String]) throws -> [String] {
        let tags = try Tool.exiftoolTags(bytes, ext: ext)
        return tags.keys.filter { key in
            let name = String(key.split(separator: ":").last ?? "")
            let value = "\(tags[key] ?? "")"
            return identifyingNames.contains(name) || markers.contains { value.contains($0) }
                || Leak.find(in: [key: tags[key] ?? ""], iccIsLeak: true).contains(key)
        }.filter { !$0.hasPrefix("File:") && !$0.hasPrefix("System:") && !$0.hasPrefix("ExifTool:") }.sorted()
    }

    /// ffmpeg's hash of every stream's packets as stored (attachments are not packets).
    static func streamHashes(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let data = try Tool.run(FFmpeg.path!, ["-v", "error", "-i", file.url.path, "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "streamhash", "-"])
        return String(decoding: data, as: UTF8.self)
    }

    /// ffmpeg's MD5 of every decoded video frame and audio sample.
    static func decodedHashes(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let data = try Tool.run(FFmpeg.path!, ["-v", "error", "-i", file.url.path, "-map", "0:V?", "-map", "0:a?", "-f", "framemd5", "-"])
        return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }

    /// The text of the file's subtitle streams, as ffmpeg decodes them to SubRip.
    static func subtitleText(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let data = try Tool.run(FFmpeg.path!, ["-v", "error", "-i", file.url.path, "-map", "0:s", "-c:s", "srt", "-f", "srt", "-"])
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether ffprobe and (when installed) mkvinfo read the file without an error.
    static func toolsRead(_ bytes: [UInt8], ext: String) throws -> Bool {
        let file = try TemporaryFile(bytes, ext: ext)
        _ = try Tool.run(ffprobe!, ["-v", "error", "-show_streams", file.url.path])
        if let mkvinfo { _ = try Tool.run(mkvinfo, [file.url.path]) }
        return true
    }
}

/// A source of a large file made of literal bytes and runs of one byte, handed out as it is read or skipped (as the
/// server's encrypted spool can); it records how far the output (`CountingSink`) lags behind what it has handed out.
final class PacedSource: SkippingByteSource {
    enum Piece {
        case bytes([UInt8])
        case filler(Int, UInt8)

        var count: Int {
            switch self {
            case .bytes(let bytes): bytes.count
            case .filler(let count, _): count
            }
        }
    }

    private let pieces: [Piece]
    private let sink: CountingSink
    private var piece = 0
    private var offsetInPiece = 0
    private var handedOut = 0
    let length: Int
    private(set) var largestLag = 0

    init(_ pieces: [Piece], sink: CountingSink) {
        self.pieces = pieces
        self.sink = sink
        length = pieces.reduce(0) { $0 + $1.count }
    }

    func read(maxLength: Int) throws -> [UInt8] {
        largestLag = max(largestLag, handedOut - sink.count)
        guard piece < pieces.count else { return [] }
        let wanted = min(maxLength, pieces[piece].count - offsetInPiece)
        let bytes: [UInt8]
        switch pieces[piece] {
        case .bytes(let all): bytes = Array(all[offsetInPiece..<(offsetInPiece + wanted)])
        case .filler(_, let byte): bytes = [UInt8](repeating: byte, count: wanted)
        }
        advance(wanted)
        return bytes
    }

    func skip(_ count: Int) throws -> Int {
        largestLag = max(largestLag, handedOut - sink.count)
        var skipped = 0
        while skipped < count && piece < pieces.count {
            let step = min(count - skipped, pieces[piece].count - offsetInPiece)
            advance(step)
            skipped += step
        }
        return skipped
    }

    private func advance(_ count: Int) {
        offsetInPiece += count
        if offsetInPiece == pieces[piece].count {
            piece += 1
            offsetInPiece = 0
        }
        handedOut += count
    }
}

/// Counts the bytes written, and those that are not zero.
final class CountingSink: ByteSink {
    private(set) var count = 0
    private(set) var nonZero = 0

    func write(_ bytes: ArraySlice<UInt8>) throws {
        count += bytes.count
        nonZero += bytes.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    }
}
