import Foundation
import Testing
@testable import MediaScrub

extension Corpus {
    static let isobmffFiles: [String] =
        ["exiftool/t/images/QuickTime.heic", "exiftool/t/images/QuickTime.m4a", "exiftool/t/images/QuickTime.mov"]
        + files(in: "mat2/tests/data", ext: "heic") + files(in: "mat2/tests/data", ext: "avif") + files(in: "mat2/tests/data", ext: "mp4")
        + files(in: "metadata-extractor-images/3gp", ext: "3gp") + files(in: "metadata-extractor-images/avif", ext: "avif")
        + files(in: "metadata-extractor-images/heic", ext: "heic") + files(in: "metadata-extractor-images/m4a", ext: "m4a")
        + files(in: "metadata-extractor-images/mov", ext: "mov") + files(in: "metadata-extractor-images/mp4", ext: "mp4")
}

/// Independent oracles for ISO BMFF files: a top-level box walk, exiftool leak rules and ffmpeg stream hashes.
enum ISOOracle {
    static let ffmpeg = Tool.find("ffmpeg")

    /// (type, offset, size) of each top-level box.
    static func topLevel(_ bytes: [UInt8]) -> [(type: String, offset: Int, size: Int)]? {
        var boxes: [(String, Int, Int)] = []
        var index = 0
        while index + 8 <= bytes.count {
            var size = bytes[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            if size == 1 { size = bytes[(index + 8)..<(index + 16)].reduce(0) { $0 << 8 | Int($1) } }
            if size == 0 { size = bytes.count - index }
            guard size >= 8, index + size <= bytes.count else { return nil }
            boxes.append((type, index, size))
            index += size
        }
        return index == bytes.count ? boxes : nil
    }

    static func ext(_ path: String) -> String {
        let e = (path as NSString).pathExtension.lowercased()
        return e.isEmpty ? "mp4" : e
    }

    static let leakGroups1: Set<String> = [
        "Keys", "UserData", "ItemList", "GPS", "IFD0", "IFD1", "ExifIFD", "InteropIFD", "MakerNotes", "Apple", "IPTC", "Photoshop",
    ]
    static let leakGroups0: Set<String> = ["EXIF", "XMP", "MakerNotes", "IPTC", "Photoshop"]
    static let leakNames: Set<String> = [
        "Make", "Model", "Artist", "Author", "Copyright", "Software", "Comment", "Owner", "Encoder", "Title", "Description",
        "LocationInformation", "GPSCoordinates", "ContentCreateDate", "CreationDate",
    ]
    /// Fields the scrubber keeps but blanks: present, yet empty.
    static let blankedNames: Set<String> = ["HandlerDescription", "CompressorName", "HandlerVendorID", "VendorID"]

    /// The `-G0:1` keys of exiftool's output that carry identity.
    static func leaks(_ tags: [String: Any]) -> [String] {
        tags.keys.filter { key in
            let parts = key.split(separator: ":").map(String.init)
            guard parts.count >= 2, let name = parts.last, parts[0] != "File", parts[0] != "ExifTool", parts[0] != "System" else { return false }
            if parts[0] == "ICC_Profile" {
                let value = "\(tags[key] ?? "")".filter { !"0: \u{0}".contains($0) }
                return Leak.iccIdentifyingTagNames.contains(name) && !value.isEmpty
            }
            if leakGroups0.contains(parts[0]) || (parts.count == 3 && leakGroups1.contains(parts[1])) { return true }
            if name.hasPrefix("GPS") || name.contains("Serial") || name.hasPrefix("Owner") || name.hasPrefix("Location") { return true }
            if blankedNames.contains(name) { return !"\(tags[key] ?? "")".filter { !" \u{0}".contains($0) }.isEmpty }
            if leakNames.contains(name) { return true }
            if name.contains("Date"), let value = tags[key] as? String { return value.contains(where: { "123456789".contains($0) }) }
            return false
        }.sorted()
    }

    /// String values (>= 4 characters, not just digits and punctuation) of the identifying tags of `tags`.
    static func identifyingStrings(_ tags: [String: Any]) -> [String] {
        leaks(tags).compactMap { tags[$0] as? String }.filter { value in
            value.count >= 4 && !value.hasPrefix("(Binary") && value.contains(where: \.isLetter)
                && !["true", "false", "Unknown", "None", "Normal", "Horizontal (normal)"].contains(value)
        }
    }

    /// `bytes` with the payloads of colr boxes (ICC profiles, which may stay) blanked, for byte searches.
    static func withoutICC(_ bytes: [UInt8]) -> [UInt8] {
        var copy = bytes
        let needle = Array("colrprof".utf8)
        var index = 4
        while index + 8 <= copy.count {
            if copy[index..<(index + 8)].elementsEqual(needle) {
                let size = copy[(index - 4)..<index].reduce(0) { $0 << 8 | Int($1) }
                for i in index..<min(copy.count, index - 4 + size) { copy[i] = 0 }
            }
            index += 1
        }
        return copy
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var index = 0
        while let found = haystack[index...].firstIndex(of: first), found + needle.count <= haystack.count {
            if haystack[found..<(found + needle.count)].elementsEqual(needle) { return true }
            index = found + 1
        }
        return false
    }

    /// ffmpeg's stream hashes of the audio and video streams (attached pictures, i.e. cover art, aside).
    static func streamHash(_ bytes: [UInt8], ext: String) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let out = try Tool.run(ffmpeg!, ["-v", "error", "-i", file.url.path, "-map", "0:V?", "-map", "0:a?", "-c", "copy", "-f", "streamhash", "-"])
        return String(decoding: out, as: UTF8.self)
    }

    static func isImage(_ ext: String) -> Bool { ext == "heic" || ext == "avif" || ext == "heif" }
}

@Suite("ISO BMFF scrubber on the sample corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct ISOBMFFCorpusTests {
    @Test("sniffs the right type and keeps the top-level layout (every box at its old offset)", arguments: Corpus.isobmffFiles)
    func layout(path: String) throws {
        let original = try Corpus.bytes(path)
        let expected: [String: MediaType] = ["heic": .heif, "avif": .avif, "mp4": .mp4, "mov": .mov, "m4a": .m4a, "3gp": .threeGPP]
        #expect(MediaSniffer.sniff(original.prefix(64)) == expected[ISOOracle.ext(path)])
        let (cleaned, _) = try scrub(original)
        #expect(cleaned.count == original.count)
        let before = try #require(ISOOracle.topLevel(original))
        let after = try #require(ISOOracle.topLevel(cleaned))
        #expect(after.filter { $0.type != "free" }.map(\.offset) == before.filter { ["ftyp", "moov", "meta", "mdat"].contains($0.type) }.map(\.offset))
    }

    @Test("leaves nothing identifying for exiftool -ee to find", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.isobmffFiles)
    func exiftoolFindsNoLeak(path: String) throws {
        let original = try Corpus.bytes(path)
        // The oracle must see something in the original, except in the two files that carry nothing.
        let before = ISOOracle.leaks(try Tool.exiftoolTags(original, ext: ISOOracle.ext(path)))
        #expect(!before.isEmpty || path.hasSuffix("QuickTime.heic") || path.hasSuffix("cheers_1440x960.heic"))
        let (cleaned, _) = try scrub(original)
        let tags = try Tool.exiftoolTags(cleaned, ext: ISOOracle.ext(path))
        #expect(tags["ExifTool:Error"] == nil)
        #expect(ISOOracle.leaks(tags) == [])
    }

    @Test("no identifying string of the original survives anywhere in the bytes", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.isobmffFiles)
    func noIdentifyingBytes(path: String) throws {
        let original = try Corpus.bytes(path)
        let file = try TemporaryFile(original, ext: ISOOracle.ext(path))
        let json = try Tool.run(Tool.exiftool!, ["-j", "-a", "-G0:1", "-ee", "-u", file.url.path])
        let tags = (try JSONSerialization.jsonObject(with: json) as? [[String: Any]])?.first ?? [:]
        let (cleaned, _) = try scrub(original)
        let searchable = ISOOracle.withoutICC(cleaned)
        let survivors = ISOOracle.identifyingStrings(tags).filter { ISOOracle.contains(searchable, Array($0.utf8)) }
        #expect(survivors == [])
    }

    @Test("decodes the same: pixels for images, stream hashes for movies", arguments: Corpus.isobmffFiles)
    func decodesTheSame(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = ISOOracle.ext(path)
        if ISOOracle.isImage(ext) {
            try #require(Tool.convert != nil, "ImageMagick convert not installed")
            // exiftool's QuickTime.heic is a 623-byte stub with no image data; ImageMagick cannot read it either.
            guard let before = try? Tool.decodedPixels(original, ext: ext) else { return #expect(path.hasSuffix("QuickTime.heic")) }
            let after = try Tool.decodedPixels(cleaned, ext: ext)
            #expect(!after.isEmpty && before == after)
        } else {
            try #require(ISOOracle.ffmpeg != nil, "ffmpeg not installed")
            let before = try ISOOracle.streamHash(original, ext: ext)
            #expect(try ISOOracle.streamHash(cleaned, ext: ext) == before)
        }
    }

    @Test("is idempotent", arguments: Corpus.isobmffFiles)
    func idempotent(path: String) throws {
        let (first, _) = try scrub(try Corpus.bytes(path))
        let (second, report) = try scrub(first)
        #expect(second == first)
        #expect(report.removed == [])
    }

    @Test("reads in ragged pieces with the same result; an index after the media data needs a rewindable source, and works with one")
    func streaming() throws {
        for path in ["mat2/tests/data/dirty.heic", "metadata-extractor-images/mov/with-gps.mov", "exiftool/t/images/QuickTime.mov"] {
            let original = try Corpus.bytes(path)
            let whole = try scrub(original)
            let type = try #require(MediaSniffer.sniff(original.prefix(64)))
            let moovFirst = (ISOOracle.topLevel(original) ?? []).firstIndex { $0.type == "mdat" }
                .map { mdat in (ISOOracle.topLevel(original) ?? [])[..<mdat].contains { $0.type == "moov" || $0.type == "meta" } } ?? true
            do {
                let ragged = try scrub(original, as: type, chunkSizes: .random(seed: 5))
                #expect(moovFirst)
                #expect(ragged.output == whole.output && ragged.report == whole.report)
            } catch let error as ScrubError {
                #expect(!moovFirst)
                #expect(error.description.contains("rewindable"))
            }
            let sink = MemoryByteSink()
            let report = try MediaScrubber.scrubber(for: type).scrub(from: RaggedRewindableSource(original, seed: 9), to: sink)
            #expect(sink.bytes == whole.output && report == whole.report)
        }
    }

    @Test("removes the timed GPS/face tracks, the Exif and XMP items, and zeroes their data")
    func reports() throws {
        let gps = try Corpus.bytes("metadata-extractor-images/mov/with-gps.mov")
        let (cleanedMovie, movie) = try scrub(gps)
        #expect(movie.removed.contains { $0.what.hasPrefix("timed metadata or timecode track (meta)") })
        #expect(movie.removed.contains { $0.what.hasPrefix("metadata box") })
        #expect(!ISOOracle.contains(cleanedMovie, Array("com.apple.quicktime.location".utf8)))
        let heic = try Corpus.bytes("metadata-extractor-images/heic/exif-at-eof.heic")
        let (cleanedImage, image) = try scrub(heic)
        #expect(image.removed.contains { $0.what == "Exif item (iinf, iloc, data)" && $0.bytes > 0 })
        #expect(image.removed.contains { $0.what == "XMP item (iinf, iloc, data)" && $0.bytes > 0 })
        #expect(!ISOOracle.contains(cleanedImage, Array("Exif\0\0MM".utf8)) && !ISOOracle.contains(cleanedImage, Array("Exif\0\0II".utf8)))
        #expect(!ISOOracle.contains(cleanedImage, Array("x:xmpmeta".utf8)))
    }

    @Test("truncations and byte flips finish quickly with a result or a clear error", arguments: Corpus.isobmffFiles)
    func mutations(path: String) throws {
        let original = try Corpus.bytes(path)
        let clock = ContinuousClock()
        let started = clock.now
        var cuts = Set((0..<48).map { original.count * $0 / 48 })
        cuts.formUnion([0, 1, 7, 8, 9, 16, 63, 64, original.count - 1])
        for cut in cuts.sorted() where cut < original.count {
            do { _ = try scrub(Array(original.prefix(cut))) } catch is ScrubError {}
        }
        var random = SplitMix64(seed: UInt64(original.count))
        let headerSpan = min(original.count, 8192)
        for _ in 0..<60 {
            var mutated = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let index = Int(random.next() % UInt64(random.next() % 2 == 0 ? headerSpan : original.count))
                mutated[index] = UInt8(truncatingIfNeeded: random.next())
            }
            do { _ = try scrub(mutated) } catch is ScrubError {}
        }
        #expect(clock.now - started < .seconds(60))
    }
}

@Suite("ISO BMFF scrubber on files made by ffmpeg, ImageMagick and exiftool",
       .enabled(if: Tool.exiftool != nil && ISOOracle.ffmpeg != nil && Tool.convert != nil, "exiftool, ffmpeg or ImageMagick not installed"))
struct ISOBMFFGeneratedTests {
    static let exiftoolMarkers = [
        "-XMP:Creator=MARKERxmp", "-UserData:Artist=MARKERudta", "-ItemList:Artist=MARKERilst", "-Keys:Author=MARKERkeys",
        "-Keys:Make=MARKERkeysmake", "-UserData:Make=MARKERudtamake", "-GPSCoordinates=12.3456, 65.4321",
    ]

    /// Runs ffmpeg into a fresh file named `name`, then adds exiftool's markers; returns its bytes.
    static func movie(_ name: String, _ arguments: [String]) throws -> [UInt8] {
        let scratch = try TemporaryFile([], ext: "txt")
        let path = scratch.url.deletingLastPathComponent().appendingPathComponent(name).path
        _ = try Tool.run(ISOOracle.ffmpeg!, ["-v", "error", "-y"] + arguments + [
            "-metadata", "title=MARKERtitle", "-metadata", "comment=MARKERcomment", "-metadata", "location=+12.3456+065.4321/", path,
        ])
        _ = try? Tool.run(Tool.exiftool!, ["-overwrite_original", "-m"] + exiftoolMarkers + [path])
        return withExtendedLifetime(scratch) { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()) }
    }

    static let video = ["-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-f", "lavfi", "-i", "sine=duration=1", "-c:v", "libx264", "-c:a", "aac"]

    static let cases: [(name: String, arguments: [String], type: MediaType)] = [
        ("moov-last.mov", video + ["-timecode", "01:02:03:04", "-metadata", "make=MARKERmake", "-movflags", "use_metadata_tags"], .mov),
        ("moov-first.mp4", video + ["-movflags", "+faststart"], .mp4),
        ("moov-last.mp4", video, .mp4),
        ("audio.m4a", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", "-metadata", "artist=MARKERartist"], .m4a),
        ("video.3gp", video + ["-f", "3gp"], .threeGPP),
    ]

    @Test("removes every marker, keeps the streams", arguments: 0..<5)
    func movies(index: Int) throws {
        let (name, arguments, type) = Self.cases[index]
        let original = try Self.movie(name, arguments)
        #expect(ISOOracle.contains(original, Array("MARKER".utf8)))
        #expect(MediaSniffer.sniff(original.prefix(64)) == type)
        let (cleaned, report) = try scrub(original)
        #expect(!ISOOracle.contains(cleaned, Array("MARKER".utf8)))
        #expect(!ISOOracle.contains(cleaned, Array("12.3456".utf8)) && !ISOOracle.contains(cleaned, Array("Lavf".utf8)))
        let ext = (name as NSString).pathExtension
        #expect(try ISOOracle.streamHash(cleaned, ext: ext) == ISOOracle.streamHash(original, ext: ext))
        #expect(ISOOracle.leaks(try Tool.exiftoolTags(cleaned, ext: ext)) == [])
        if name.hasSuffix(".mov") { #expect(report.removed.contains { $0.what == "timed metadata or timecode track (tmcd)" }) }
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.removed == [])
    }

    /// A drone writes each frame's camera settings and position into a subtitle track (handler "DJI.Subtitle").
    @Test("a subtitle track of per-frame GPS and camera settings (mov_text) is removed and its samples zeroed; exiftool -ee finds no position; the streams are unchanged", arguments: ["mp4", "mov"])
    func droneSubtitleTelemetry(ext: String) throws {
        let srt = try TemporaryFile(Array((0..<10).map { frame in
            "\(frame + 1)\n00:00:00,\(String(format: "%03d", frame * 100)) --> 00:00:00,\(String(format: "%03d", frame * 100 + 99))\n"
                + "F/2.8, SS 500, ISO 100, EV 0, GPS (76.8897, 43.2389, 18), D 24.5m, H 12.3m, H.S 0.0m/s, V.S 0.0m/s\n\n"
        }.joined().utf8), ext: "srt")
        let original = try Self.movie("drone.\(ext)", [
            "-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-f", "lavfi", "-i", "sine=duration=1", "-i", srt.url.path,
            "-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "libx264", "-c:a", "aac", "-c:s", "mov_text",
            "-metadata:s:s:0", "handler_name=DJI.Subtitle",
        ])
        #expect(ISOOracle.contains(original, Array("76.8897".utf8)), "the subtitle samples hold the position")
        let before = try TemporaryFile(original, ext: ext)
        #expect(String(decoding: try Tool.run(Tool.exiftool!, ["-ee", "-a", "-u", "-G1", before.url.path]), as: UTF8.self).contains("76.8897"))
        let (cleaned, report) = try scrub(original)
        #expect(!ISOOracle.contains(cleaned, Array("76.8897".utf8)) && !ISOOracle.contains(cleaned, Array("DJI.Subtitle".utf8)))
        let file = try TemporaryFile(cleaned, ext: ext)
        #expect(!String(decoding: try Tool.run(Tool.exiftool!, ["-ee", "-a", "-u", "-G1", file.url.path]), as: UTF8.self).contains("76.8897"))
        #expect(report.removed.contains { $0.what.hasPrefix("subtitle, text or caption track") }, "\(report.removed)")
        #expect(try ISOOracle.streamHash(cleaned, ext: ext) == ISOOracle.streamHash(original, ext: ext))
        #expect(cleaned.count <= original.count, "the output does not grow")
    }

    @Test("removes Exif, GPS and XMP items from HEIC and AVIF, keeps the pixels", arguments: ["heic", "avif"])
    func images(ext: String) throws {
        let blank = try TemporaryFile([], ext: ext)
        _ = try Tool.run(Tool.convert!, ["-size", "64x48", "gradient:red-blue", blank.url.path])
        _ = try Tool.run(Tool.exiftool!, ["-overwrite_original", "-Artist=MARKERartist", "-Make=MARKERmake", "-GPSLatitude=12.3456",
                                           "-GPSLatitudeRef=N", "-XMP:Creator=MARKERxmp", "-ImageDescription=MARKERdesc", blank.url.path])
        let original = [UInt8](try Data(contentsOf: blank.url))
        #expect(ISOOracle.contains(original, Array("MARKER".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(!ISOOracle.contains(cleaned, Array("MARKER".utf8)))
        #expect(report.removed.contains { $0.what.hasPrefix("Exif item") } && report.removed.contains { $0.what.hasPrefix("XMP item") })
        #expect(ISOOracle.leaks(try Tool.exiftoolTags(cleaned, ext: ext)) == [])
        #expect(try Tool.decodedPixels(cleaned, ext: ext) == Tool.decodedPixels(original, ext: ext))
    }
}

@Suite("ISO BMFF scrubber on hand-made boxes")
struct ISOBMFFSyntheticTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let size = UInt32(payload.count + 8)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } + Array(type.utf8) + payload
    }

    static func ftyp(_ major: String, _ compatible: [String] = []) -> [UInt8] {
        box("ftyp", Array(major.utf8) + [0, 0, 0, 0] + compatible.flatMap { Array($0.utf8) })
    }

    @Test("sniffs brands")
    func sniffing() {
        let cases: [([UInt8], MediaType?)] = [
            (Self.ftyp("heic", ["mif1", "heic"]), .heif), (Self.ftyp("mif1", ["avif", "miaf"]), .avif), (Self.ftyp("avis"), .avif),
            (Self.ftyp("mif1", ["heic"]), .heif), (Self.ftyp("qt  "), .mov), (Self.ftyp("M4A ", ["isom"]), .m4a),
            (Self.ftyp("3gp4"), .threeGPP), (Self.ftyp("3g2a"), .threeGPP), (Self.ftyp("isom", ["iso2", "avc1"]), .mp4),
            (Self.ftyp("M4V "), .mp4), (Self.ftyp("dash"), .mp4), (Self.ftyp("crx "), nil), (Self.ftyp("jp2 "), nil),
            (Self.box("moov", []) + Self.box("mdat", []), .mov), (Self.box("wide", []), .mov), (Self.box("abcd", []), nil),
        ]
        for (bytes, type) in cases {
            #expect(MediaSniffer.sniff(bytes.prefix(64)) == type)
        }
    }

    @Test("refuses hostile box sizes with a clear error")
    func hostileSizes() {
        let ftyp = Self.ftyp("isom", ["mp41"])
        let inputs: [[UInt8]] = [
            ftyp + [0, 0, 0, 4] + Array("moov".utf8),  // smaller than its header
            ftyp + [0xFF, 0xFF, 0xFF, 0xFF] + Array("moov".utf8),  // past the end
            ftyp + [0, 0, 0, 1] + Array("mdat".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],  // 64-bit size past the end
            ftyp + [0, 0, 0, 0] + Array("moov".utf8),  // size 0 for a non-mdat box
            ftyp + Self.box("moov", Self.box("trak", [0, 0, 0, 200] + Array("tkhd".utf8))),  // child past its parent
            ftyp + Self.box("mdat", [1, 2, 3]),  // no moov at all
            ftyp + [0, 0],  // stray bytes
            ftyp + [0, 0, 0, 16, 0, 1, 2, 3] + Array(repeating: 0, count: 8),  // not a box type
        ]
        for input in inputs {
            #expect(throws: ScrubError.self) { _ = try scrub(input) }
        }
    }

    @Test("a moov after the media data needs a rewindable source, and is zeroed through it")
    func rewinding() throws {
        let mvhd = Self.box("mvhd", [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8] + Array(repeating: 0, count: 88))
        let udta = Self.box("udta", Self.box("name", Array("MARKER".utf8)))
        let file = Self.ftyp("isom") + Self.box("mdat", Array(repeating: 7, count: 32)) + Self.box("moov", mvhd + udta)
        #expect(throws: ScrubError.self) { _ = try scrub(file, as: .mp4) }
        let (cleaned, report) = try scrub(file)
        #expect(cleaned.count == file.count)
        #expect(!ISOOracle.contains(cleaned, Array("MARKER".utf8)))
        #expect(report.removed.contains { $0.what == "QuickTime user data (udta)" })
        #expect(report.removed.contains { $0.what == "creation and modification times (mvhd)" })
        // No track plays the media data, so all of it is zeroed.
        #expect(Array(cleaned[0..<24]) == Array(file[0..<24]) && cleaned[24..<56].allSatisfy { $0 == 0 })
        #expect(report.removed.contains(RemovedItem(what: "media data no track uses (in mdat)", count: 1, bytes: 32)))
    }
}

/// Ragged pieces, like `ChunkedByteSource`, but able to start over.
final class RaggedRewindableSource: RewindableByteSource {
    private let bytes: [UInt8]
    private let seed: UInt64
    private var current: ChunkedByteSource

    init(_ bytes: [UInt8], seed: UInt64) {
        self.bytes = bytes
        self.seed = seed
        current = ChunkedByteSource(bytes, sizes: .random(seed: seed))
    }

    func read(maxLength: Int) throws -> [UInt8] { try current.read(maxLength: maxLength) }

    func rewind() { current = ChunkedByteSource(bytes, sizes: .random(seed: seed)) }
}

/// A file read front to back, rewindable, for the large-file test.
final class FileByteSource: RewindableByteSource {
    private let handle: FileHandle

    init(_ url: URL) throws { handle = try FileHandle(forReadingFrom: url) }

    func read(maxLength: Int) throws -> [UInt8] { [UInt8](try handle.read(upToCount: maxLength) ?? Data()) }

    func rewind() throws { try handle.seek(toOffset: 0) }
}

final class FileByteSink: ByteSink {
    private let handle: FileHandle

    init(_ url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    func write(_ bytes: ArraySlice<UInt8>) throws { try handle.write(contentsOf: Data(bytes)) }
}

@Suite("ISO BMFF scrubber on a large file")
struct ISOBMFFLargeFileTests {
    static let gibibytes = Int(ProcessInfo.processInfo.environment["MEDIASCRUB_BIG_GIB"] ?? "") ?? 0

    /// Peak resident memory of this process, from /proc.
    static func peakResidentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test("streams a multi-GiB movie whose moov follows mdat in bounded memory (set MEDIASCRUB_BIG_GIB=2 to run)",
          .enabled(if: gibibytes > 0 && ISOOracle.ffmpeg != nil, "set MEDIASCRUB_BIG_GIB to the size in GiB to run"))
    func bigMovie() throws {
        let small = try ISOBMFFGeneratedTests.movie("moov-last.mov", ISOBMFFGeneratedTests.cases[0].arguments)
        let boxes = try #require(ISOOracle.topLevel(small))
        let moov = try #require(boxes.first { $0.type == "moov" })
        let mdatSize = Self.gibibytes << 30
        let directory = try TemporaryFile([], ext: "txt")
        let input = directory.url.deletingLastPathComponent().appendingPathComponent("big.mov")
        let output = directory.url.deletingLastPathComponent().appendingPathComponent("clean.mov")
        _ = FileManager.default.createFile(atPath: input.path, contents: nil)
        let writer = try FileHandle(forWritingTo: input)
        let ftyp = Array(small[0..<boxes[0].size])
        try writer.write(contentsOf: Data(ftyp + [0, 0, 0, 1] + Array("mdat".utf8) + (0..<8).map { UInt8(truncatingIfNeeded: (mdatSize + 16) >> (56 - 8 * $0)) }))
        let block = Data(repeating: 0x5A, count: 1 << 20)
        for _ in 0..<(mdatSize >> 20) { try writer.write(contentsOf: block) }
        try writer.write(contentsOf: Data(small[moov.offset..<(moov.offset + moov.size)]))
        try writer.close()
        let before = Self.peakResidentBytes()
        let report = try MediaScrubber.scrub(from: try FileByteSource(input), to: try FileByteSink(output))
        let after = Self.peakResidentBytes()
        #expect(report.mediaType == .mov)
        #expect(after - before < 64 << 20)
        let attributes = try FileManager.default.attributesOfItem(atPath: output.path)
        #expect((attributes[.size] as? Int) == ftyp.count + 16 + mdatSize + moov.size)
        withExtendedLifetime(directory) {}
    }
}

@Suite("ISO BMFF scrubber on a hand-made HEIF")
struct ISOBMFFHandMadeImageTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { ISOBMFFSyntheticTests.box(type, payload) }
    static func be(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// ftyp, meta (iloc version 2 with 8-byte offsets and lengths, Exif in idat, image in mdat), mdat.
    static func file(imageOffset: Int) -> [UInt8] {
        let hdlr = box("hdlr", [0, 0, 0, 0] + be(0, 4) + Array("pict".utf8) + be(0, 12) + Array("MARKERhandler\0".utf8))
        let pitm = box("pitm", [0, 0, 0, 0] + be(1, 2))
        let image = box("infe", [2, 0, 0, 0] + be(1, 2) + be(0, 2) + Array("hvc1".utf8) + [0])
        let exif = box("infe", [2, 0, 0, 0] + be(2, 2) + be(0, 2) + Array("Exif".utf8) + [0])
        let xmp = box("infe", [2, 0, 0, 0] + be(3, 2) + be(0, 2) + Array("mime".utf8) + [0] + Array("application/rdf+xml\0".utf8))
        let iinf = box("iinf", [0, 0, 0, 0] + be(3, 2) + image + exif + xmp)
        let iloc = box("iloc", [2, 0, 0, 0, 0x88, 0x40] + be(3, 4)
            + be(1, 4) + be(0, 2) + be(0, 2) + be(imageOffset, 4) + be(1, 2) + be(0, 8) + be(9, 8)
            + be(2, 4) + be(1, 2) + be(0, 2) + be(0, 4) + be(1, 2) + be(0, 8) + be(14, 8)
            + be(3, 4) + be(0, 2) + be(0, 2) + be(imageOffset + 9, 4) + be(1, 2) + be(0, 8) + be(12, 8))
        let idat = box("idat", Array("Exif\0\0MARKERex".utf8))
        let iref = box("iref", [0, 0, 0, 0] + box("cdsc", be(2, 2) + be(1, 2) + be(1, 2)) + box("cdsc", be(3, 2) + be(1, 2) + be(1, 2)))
        let ipco = box("ipco", box("ispe", [0, 0, 0, 0] + be(64, 4) + be(48, 4)))
        let ipma = box("ipma", [0, 0, 0, 0] + be(2, 4) + be(1, 2) + [1, 0x81] + be(2, 2) + [0])
        let meta = box("meta", [0, 0, 0, 0] + hdlr + pitm + iinf + iloc + idat + iref + box("iprp", ipco + ipma))
        let ftyp = ISOBMFFSyntheticTests.ftyp("heic", ["mif1", "heic"])
        return ftyp + meta + box("mdat", Array("IMAGEDATA".utf8) + Array("<MARKERxmp/>".utf8))
    }

    @Test("removes the Exif item in idat and the XMP item in mdat, keeps the image item where it was")
    func removesItems() throws {
        let probe = Self.file(imageOffset: 0)
        let file = Self.file(imageOffset: probe.count - 21)
        #expect(String(decoding: file[(probe.count - 21)..<(probe.count - 12)], as: UTF8.self) == "IMAGEDATA")
        let (cleaned, report) = try scrub(file)
        #expect(cleaned.count == file.count)
        #expect(!ISOOracle.contains(cleaned, Array("MARKER".utf8)))
        #expect(cleaned.suffix(21).prefix(9).elementsEqual("IMAGEDATA".utf8))
        #expect(report.removed.contains { $0.what == "Exif item (iinf, iloc, data)" && $0.bytes == 14 })
        #expect(report.removed.contains { $0.what == "XMP item (iinf, iloc, data)" && $0.bytes == 12 })
        let boxes = try #require(ISOOracle.topLevel(cleaned))
        #expect(boxes.map(\.type) == ["ftyp", "meta", "free", "mdat"])
        // The iloc that is left lists one item, the image, with its offset unchanged.
        let iloc = try #require(Self.find("iloc", in: cleaned))
        #expect(Array(cleaned[(iloc + 10)..<(iloc + 14)]) == Self.be(1, 4))
        #expect(Array(cleaned[(iloc + 14)..<(iloc + 18)]) == Self.be(1, 4))
        #expect(Array(cleaned[(iloc + 22)..<(iloc + 26)]) == Self.be(probe.count - 21, 4))
        let iinf = try #require(Self.find("iinf", in: cleaned))
        #expect(Array(cleaned[(iinf + 8)..<(iinf + 10)]) == Self.be(1, 2))
        let iref = try #require(Self.find("iref", in: cleaned))
        #expect(Array(cleaned[(iref - 4)..<iref]) == Self.be(12, 4))
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.removed == [])
    }

    /// The offset of the first occurrence of the box type `type` (its type field).
    static func find(_ type: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(type.utf8)
        return (4..<(bytes.count - 4)).first { bytes[$0..<($0 + 4)].elementsEqual(needle) }
    }
}
