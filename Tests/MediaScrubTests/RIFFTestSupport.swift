import Foundation
import MediaScrub

/// Corpus files and oracles for the GIF, WebP, WAV and AIFF scrubber tests.
enum RIFFFamily {
    static let gifFiles = Corpus.files(in: "exiftool/t/images", ext: "gif") + Corpus.files(in: "mat2/tests/data", ext: "gif")
        + Corpus.files(in: "metadata-extractor-images/gif", ext: "gif")
    static let webpFiles = Corpus.files(in: "exiftool/t/images", ext: "webp") + Corpus.files(in: "mat2/tests/data", ext: "webp")
        + Corpus.files(in: "metadata-extractor-images/webp", ext: "webp")
    static let wavFiles = Corpus.files(in: "exiftool/t/images", ext: "wav") + Corpus.files(in: "mat2/tests/data", ext: "wav")
    static let aiffFiles = Corpus.files(in: "mat2/tests/data", ext: "aiff")
    static let allFiles = gifFiles + webpFiles + wavFiles + aiffFiles

    static let ffmpeg = Tool.find("ffmpeg")

    /// The file name extension of a corpus path.
    static func ext(_ path: String) -> String { String(path.split(separator: ".").last ?? "").lowercased() }

    /// Tag names (the last part of exiftool's key) that carry identity in these formats, beyond `Leak`.
    static let identifyingNames: Set<String> = [
        "Title", "Product", "Artist", "Comment", "DateCreated", "TimeCreated", "Genre", "TrackNumber", "Make", "Model",
        "RelatedImageFile", "Name", "Annotation", "Author", "Copyright", "DateTimeOriginal", "Originator",
        "OriginatorReference", "Description", "Software", "Encoder", "Engineer", "Technician", "Subject", "Keywords",
        "Source", "Album", "RecordingTime", "Track", "XMPToolkit", "Creator", "Rights",
    ]
    /// exiftool family-0 groups that should not appear at all after scrubbing.
    static let identifyingGroups: Set<String> = ["EXIF", "XMP", "ID3", "IPTC", "MakerNotes", "Photoshop", "APP1", "PrintIM"]

    /// The keys of `tags` (exiftool `-G0:1`) that identify someone or something; ICC profiles are
    /// judged by `Leak` (only their identifying fields, and only when `iccIsLeak`).
    static func leaks(_ tags: [String: Any], iccIsLeak: Bool) -> [String] {
        let extra = tags.keys.filter { key in
            let parts = key.split(separator: ":").map(String.init)
            guard parts.count >= 2, let name = parts.last, !["File", "System", "ExifTool"].contains(parts[0]) else { return false }
            if parts[0] == "ICC_Profile" { return false }
            return identifyingGroups.contains(parts[0]) || identifyingNames.contains(name)
        }
        return Array(Set(Leak.find(in: tags, iccIsLeak: iccIsLeak) + extra).filter { !$0.hasPrefix("File:") && !$0.hasPrefix("System:") }).sorted()
    }

    /// Values too generic to search for: "sRGB" is the standard profile's device model and also its colour-space name.
    static let genericValues: Set<String> = ["sRGB", "none", "None", "Unknown"]

    /// The string values (4+ characters, not numbers or generic names) of the identifying tags of `bytes`.
    static func identifyingStrings(_ bytes: [UInt8], ext: String, iccIsLeak: Bool) throws -> [String] {
        let tags = try Tool.exiftoolTags(bytes, ext: ext)
        return leaks(tags, iccIsLeak: iccIsLeak).compactMap { tags[$0] as? String }.filter {
            $0.count >= 4 && Double($0) == nil && !$0.hasPrefix("(Binary data") && !genericValues.contains($0)
        }
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// All frames, coalesced, as 8-bit RGBA (ImageMagick).
    static func frames(_ bytes: [UInt8], ext: String) throws -> Data {
        let file = try TemporaryFile(bytes, ext: ext)
        return try Tool.run(Tool.convert!, [file.url.path, "-coalesce", "-depth", "8", "rgba:-"])
    }

    /// ffmpeg's stream hash of the copied audio and the MD5 of the decoded PCM.
    static func audioHashes(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let copied = try Tool.run(ffmpeg!, ["-v", "error", "-i", file.url.path, "-map", "0:a", "-c", "copy", "-f", "streamhash", "-"])
        let decoded = try Tool.run(ffmpeg!, ["-v", "error", "-i", file.url.path, "-map", "0:a", "-f", "md5", "-"])
        return String(decoding: copied + decoded, as: UTF8.self)
    }

    /// Runs a command-line tool that writes files (exiftool, convert, ffmpeg); fails on a non-zero exit.
    static func make(_ tool: String?, _ arguments: [String]) throws {
        _ = try Tool.run(tool!, arguments)
    }

    /// A fresh temporary directory, removed when released.
    final class Directory {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("riff-family-" + UUID().uuidString)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url.appendingPathComponent(name))) }
        deinit { try? FileManager.default.removeItem(at: url) }
    }
}

/// A little-endian RIFF or big-endian IFF chunk, spelled out for tests.
func testChunk(_ type: String, _ payload: [UInt8], bigEndian: Bool = false) -> [UInt8] {
    let size = UInt32(payload.count)
    let sizeBytes = (bigEndian ? [24, 16, 8, 0] : [0, 8, 16, 24]).map { UInt8(truncatingIfNeeded: size >> $0) }
    return Array(type.utf8) + sizeBytes + payload + (payload.count % 2 == 1 ? [0] : [])
}

/// A RIFF/FORM container of `form` around `chunks`.
func testContainer(_ magic: String, _ form: String, _ chunks: [[UInt8]], bigEndian: Bool = false) -> [UInt8] {
    let body = Array(form.utf8) + chunks.flatMap { $0 }
    let size = UInt32(body.count)
    let sizeBytes = (bigEndian ? [24, 16, 8, 0] : [0, 8, 16, 24]).map { UInt8(truncatingIfNeeded: size >> $0) }
    return Array(magic.utf8) + sizeBytes + body
}
