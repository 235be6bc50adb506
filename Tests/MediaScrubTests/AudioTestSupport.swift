import Foundation
import MediaScrub

extension Corpus {
    static let audioFiles: [String] = [
        "exiftool/t/images/MP3.mp3", "exiftool/t/images/FLAC.flac", "exiftool/t/images/Vorbis.ogg", "exiftool/t/images/Opus.opus",
        "mat2/tests/data/dirty.mp3", "mat2/tests/data/dirty.flac", "mat2/tests/data/dirty.ogg",
    ]
}

/// ffmpeg as an oracle for "decodes the same", and as a generator of test files.
enum FFmpeg {
    static let path = Tool.find("ffmpeg")

    /// The hash of the audio packets as stored (`-c copy -f streamhash`).
    static func packetHash(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let data = try Tool.run(path!, ["-v", "error", "-i", file.url.path, "-map", "0:a", "-c", "copy", "-f", "streamhash", "-"])
        return String(decoding: data, as: UTF8.self)
    }

    /// The MD5 of the decoded PCM samples.
    static func pcmHash(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let data = try Tool.run(path!, ["-v", "error", "-i", file.url.path, "-map", "0:a", "-f", "md5", "-"])
        return String(decoding: data, as: UTF8.self)
    }

    /// A file made by ffmpeg from `arguments` (inputs and options), written as `ext`.
    static func make(ext: String, _ arguments: [String]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediascrub-gen-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out." + ext)
        _ = try Tool.run(path!, ["-v", "error", "-y"] + arguments + [out.path])
        return [UInt8](try Data(contentsOf: out))
    }

    /// A tiny PNG (made by ffmpeg) to attach as cover art.
    static func coverPNG() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediascrub-cover-\(UUID().uuidString).png")
        _ = try Tool.run(path!, ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", url.path])
        return url
    }
}

/// Identity checks over exiftool's view of an audio file.
enum AudioLeak {
    static let groupPrefixes = ["ID3", "Vorbis", "APE", "Lyrics3", "XMP", "GPS", "RIFF", "QuickTime", "Opus", "FLAC"]
    static let allowedInGroups: Set<String> = [
        // Stream parameters exiftool reads from the FLAC STREAMINFO and the Opus/Vorbis identification headers.
        "FLAC:BlockSizeMin", "FLAC:BlockSizeMax", "FLAC:FrameSizeMin", "FLAC:FrameSizeMax", "FLAC:SampleRate", "FLAC:Channels",
        "FLAC:BitsPerSample", "FLAC:TotalSamples", "FLAC:MD5Signature",
        "Opus:OpusVersion", "Opus:AudioChannels", "Opus:SampleRate", "Opus:OutputGain",
        "Vorbis:VorbisVersion", "Vorbis:AudioChannels", "Vorbis:SampleRate", "Vorbis:MaximumBitrate", "Vorbis:NominalBitrate",
        "Vorbis:MinimumBitrate", "Vorbis:Vendor",
        // The copyright bit of the MPEG frame header is part of every audio frame, which stays byte for byte.
        "MPEG:CopyrightFlag",
    ]

    /// exiftool keys ("Group1:Tag") that carry identity.
    static func find(_ bytes: [UInt8], ext: String) throws -> [String] {
        let tags = try exiftool(bytes, ext: ext)
        return tags.compactMap { key, value -> String? in
            let parts = key.split(separator: ":").map(String.init)
            guard parts.count == 2, parts[0] != "System", parts[0] != "ExifTool", parts[0] != "File", parts[0] != "Composite" else { return nil }
            let text = "\(value)"
            if key == "Vorbis:Vendor" { return text.isEmpty ? nil : key + "=" + text }
            if parts[1] == "Encoder" {
                // The encoder family ("LAME", "Lavc") stays for gapless playback; a version number is a leak. Past the
                // 9-byte encoder field exiftool shows the LAME tag's binary fields when the version is blank.
                let letters = text.prefix { $0.isLetter }
                return letters.count <= 4 && !text.prefix(9).contains(where: { $0.isASCII && $0.isNumber }) ? nil : key + "=" + text
            }
            if allowedInGroups.contains(key) { return nil }
            if groupPrefixes.contains(where: { parts[0].hasPrefix($0) }) { return key }
            let name = parts[1]
            let lowered = name.lowercased()
            if ["artist", "author", "copyright", "comment", "software", "owner", "serial", "make", "model", "picture", "title", "album"]
                .contains(where: { lowered.contains($0) })
            {
                return key
            }
            if lowered.contains("date") && text.contains(where: { $0.isNumber && $0 != "0" }) { return key }
            return nil
        }.sorted()
    }

    /// exiftool's `-j -a -G1 -ee -u` view, "Group1:Tag" → value.
    static func exiftool(_ bytes: [UInt8], ext: String) throws -> [String: Any] {
        let file = try TemporaryFile(bytes, ext: ext)
        let json = try Tool.run(Tool.exiftool!, ["-j", "-a", "-G1", "-ee", "-u", file.url.path])
        return (try JSONSerialization.jsonObject(with: json) as? [[String: Any]])?.first ?? [:]
    }

    /// String values (length ≥ 4, not numbers) of the original's identifying tags, as exiftool reports them.
    static func identifyingStrings(_ bytes: [UInt8], ext: String) throws -> [String] {
        try exiftool(bytes, ext: ext).compactMap { key, value -> String? in
            let group = key.split(separator: ":").first.map(String.init) ?? ""
            guard groupPrefixes.contains(where: { group.hasPrefix($0) }), !allowedInGroups.contains(key) || key == "Vorbis:Vendor",
                  let text = value as? String, text.count >= 4, !text.hasPrefix("(Binary data"),
                  Double(text.split(separator: " ").first ?? "") == nil
            else { return nil }
            return text
        }
    }
}

extension Collection where Element == UInt8 {
    /// True when `needle` occurs in these bytes.
    func contains(bytes needle: [UInt8]) -> Bool {
        let bytes = Array(self)
        guard !needle.isEmpty, needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

/// An independent walk over Ogg pages, with a bitwise CRC (not the scrubber's table).
struct OggPageView {
    let headerType: UInt8
    let granule: UInt64
    let serial: UInt32
    let sequence: UInt32
    let lacing: [UInt8]
    let body: [UInt8]
    let crcIsValid: Bool

    static func parse(_ bytes: [UInt8]) -> [OggPageView]? {
        var pages: [OggPageView] = []
        var index = 0
        func le(_ range: Range<Int>) -> UInt64 { bytes[range].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        while index + 27 <= bytes.count {
            guard bytes[index..<(index + 4)].elementsEqual("OggS".utf8) else { return nil }
            let count = Int(bytes[index + 26])
            guard index + 27 + count <= bytes.count else { return nil }
            let lacing = Array(bytes[(index + 27)..<(index + 27 + count)])
            let end = index + 27 + count + lacing.reduce(0) { $0 + Int($1) }
            guard end <= bytes.count else { return nil }
            var zeroed = Array(bytes[index..<end])
            for i in 22..<26 { zeroed[i] = 0 }
            var crc: UInt32 = 0
            for byte in zeroed {
                crc ^= UInt32(byte) << 24
                for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ 0x04C1_1DB7 : crc << 1 }
            }
            pages.append(OggPageView(
                headerType: bytes[index + 5], granule: le((index + 6)..<(index + 14)), serial: UInt32(le((index + 14)..<(index + 18))),
                sequence: UInt32(le((index + 18)..<(index + 22))), lacing: lacing, body: Array(bytes[(index + 27 + count)..<end]),
                crcIsValid: crc == UInt32(le((index + 22)..<(index + 26)))))
            index = end
        }
        return index == bytes.count ? pages : nil
    }

    /// The packets of `pages`, joined across page boundaries.
    static func packets(_ pages: [OggPageView]) -> [[UInt8]] {
        var packets: [[UInt8]] = []
        var current: [UInt8] = []
        for page in pages {
            var position = 0
            for lace in page.lacing {
                current += page.body[position..<(position + Int(lace))]
                position += Int(lace)
                if lace < 255 {
                    packets.append(current)
                    current = []
                }
            }
        }
        return packets
    }
}
