import Foundation
import Testing
@testable import MediaScrub

@Suite("JPEG scrubber on the sample corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct JPEGCorpusTests {
    @Test("keeps the tables, frame and scan data byte for byte", arguments: Corpus.jpegFiles)
    func lossless(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, report) = try scrub(original)
        let before = try #require(JPEGLayout(original))
        let after = try #require(JPEGLayout(cleaned))
        #expect(after.imageTables == before.imageTables)
        // The output from the first SOS on is exactly the original from its first SOS up to EOI;
        // whatever follows in the original is what the report calls data after end of image.
        let tail = cleaned[after.firstScanOffset...]
        let originalTail = original[before.firstScanOffset...]
        #expect(originalTail.starts(with: tail))
        #expect(cleaned.suffix(2) == [0xFF, 0xD9])
        let trailing = originalTail.count - tail.count
        let reportedTrailing = report.removed.first { $0.what == "data after end of image" }?.bytes ?? 0
        #expect(reportedTrailing == trailing)
    }

    @Test("writes no header segment outside the allowlist", arguments: Corpus.jpegFiles)
    func onlyAllowedHeaderSegments(path: String) throws {
        let (cleaned, _) = try scrub(try Corpus.bytes(path))
        let layout = try #require(JPEGLayout(cleaned))
        for segment in layout.headerSegments {
            switch segment.marker {
            case 0xE0: #expect(segment.bytes.count == 18 && segment.bytes[4..<9].elementsEqual("JFIF\0".utf8))
            case 0xE1: #expect(segment.bytes.count == 36 && segment.bytes[4..<10].elementsEqual("Exif\0\0".utf8))
            case 0xEE: #expect(segment.bytes.count == 16 && segment.bytes[4..<9].elementsEqual("Adobe".utf8))
            case 0xE2: #expect(segment.bytes[4..<16].elementsEqual("ICC_PROFILE\0".utf8))
            case 0xDB, 0xC4, 0xCC, 0xDD, 0xC0...0xCF: break
            default: Issue.record("unexpected segment 0xFF\(String(segment.marker, radix: 16)) in \(path)")
            }
        }
    }

    @Test("is idempotent: a second pass removes nothing and changes nothing", arguments: Corpus.jpegFiles)
    func idempotent(path: String) throws {
        let (first, _) = try scrub(try Corpus.bytes(path))
        let (second, report) = try scrub(first)
        #expect(second == first)
        #expect(report == RemovalReport(mediaType: .jpeg))
    }

    @Test("decodes to the same pixels (ImageMagick)", .enabled(if: Tool.convert != nil, "ImageMagick convert not installed"),
          arguments: Corpus.jpegFiles)
    func samePixels(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let before = try Tool.decodedPixels(original, ext: "jpg")
        let after = try Tool.decodedPixels(cleaned, ext: "jpg")
        #expect(!after.isEmpty)
        #expect(before == after)
    }

    @Test("leaves nothing identifying for exiftool to find", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.jpegFiles)
    func exiftoolFindsNoLeak(path: String) throws {
        let (cleaned, _) = try scrub(try Corpus.bytes(path))
        let tags = try Tool.exiftoolTags(cleaned, ext: "jpg")
        #expect(tags["File:FileType"] as? String == "JPEG")
        #expect(Leak.find(in: tags, iccIsLeak: true) == [])
        let exifKeys = tags.keys.filter { $0.hasPrefix("EXIF:") }
        #expect(exifKeys.allSatisfy { $0 == "EXIF:IFD0:Orientation" }, "Exif left: \(exifKeys)")
    }

    @Test("the leak oracle does find the metadata of the originals", .enabled(if: Tool.exiftool != nil, "exiftool not installed"))
    func oracleSeesLeaks() throws {
        let leaks = Leak.find(in: try Tool.exiftoolTags(try Corpus.bytes("exiftool/t/images/ExifTool.jpg"), ext: "jpg"), iccIsLeak: true)
        for expected in ["EXIF:IFD0:Make", "EXIF:IFD0:Model", "EXIF:IFD0:Software", "EXIF:ExifIFD:DateTimeOriginal", "File:Comment"] {
            #expect(leaks.contains(expected))
        }
        #expect(leaks.contains { $0.hasPrefix("XMP:") } && leaks.contains { $0.hasPrefix("IPTC:") })
        #expect(leaks.contains { $0.hasPrefix("ICC_Profile:") } && leaks.contains { $0.hasPrefix("MakerNotes:") })
        let gpsLeaks = Leak.find(in: try Tool.exiftoolTags(try Corpus.bytes("exiftool/t/images/GPS.jpg"), ext: "jpg"), iccIsLeak: true)
        #expect(gpsLeaks.contains("EXIF:GPS:GPSLatitude"))
        #expect(leaks.contains { $0.hasSuffix(":ThumbnailImage") })
    }

    @Test("keeps an orientation other than 1 as a minimal Exif", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: [
              ("exiftool/t/images/Pentax.jpg", 8), ("exiftool/t/images/MWG.jpg", 6),
              ("metadata-extractor-images/jpg/Samsung GT-I9000 (Galaxy S).jpg", 6),
          ])
    func orientationSurvives(path: String, orientation: Int) throws {
        let original = try Corpus.bytes(path)
        #expect(try Tool.exiftoolTags(original, ext: "jpg")["EXIF:IFD0:Orientation"] as? Int == orientation)
        let (cleaned, report) = try scrub(original)
        #expect(report.added.contains("minimal Exif holding only Orientation=\(orientation)"))
        let tags = try Tool.exiftoolTags(cleaned, ext: "jpg")
        #expect(tags["EXIF:IFD0:Orientation"] as? Int == orientation)
        #expect(tags.keys.filter { $0.hasPrefix("EXIF:") } == ["EXIF:IFD0:Orientation"])
    }

    @Test("writes no orientation when the original's is 1")
    func noOrientationWhenUpright() throws {
        let (cleaned, report) = try scrub(try Corpus.bytes("exiftool/t/images/GPS.jpg"))
        #expect(report.added == [])
        #expect(try #require(JPEGLayout(cleaned)).headerSegments.allSatisfy { $0.marker != 0xE1 })
    }

    @Test("reports the Exif, IPTC and XMP it removed from GPS.jpg")
    func reportForGPS() throws {
        let (cleaned, report) = try scrub(try Corpus.bytes("exiftool/t/images/GPS.jpg"))
        let exif = try #require(report.removed.first { $0.what == "Exif (APP1)" })
        #expect(exif.count == 1 && exif.bytes > 100)
        #expect(report.removed.contains { $0.what == "IPTC/Photoshop (APP13)" && $0.bytes > 0 })
        #expect(report.mediaType == .jpeg && !report.isEmpty)
        #expect(cleaned.count < 2133)
    }

    @Test("reports comment, ICC, XMP and the MPF image after EOI in ExifTool.jpg")
    func reportForExifTool() throws {
        let original = try Corpus.bytes("exiftool/t/images/ExifTool.jpg")
        let (cleaned, report) = try scrub(original)
        let labels = Set(report.removed.map(\.what))
        #expect(labels.isSuperset(of: ["Exif (APP1)", "XMP (APP1)", "comment (COM)", "data after end of image"]))
        #expect(labels.contains { $0.hasPrefix("ICC profile identifying fields") })
        // Blanked ICC fields keep their size, so they do not count towards the bytes removed.
        let removedBytes = report.removed.filter { !$0.what.hasPrefix("ICC profile identifying") }.reduce(0) { $0 + $1.bytes }
        let addedBytes = report.added.reduce(0) { total, added in
            total + (added.hasPrefix("canonical Adobe") ? 16 : added.hasPrefix("minimal Exif") ? 36 : 0)
        }
        #expect(original.count - removedBytes + addedBytes == cleaned.count)
    }

    @Test("reports trailers after EOI", arguments: ["AFCP.jpg", "FotoStation.jpg", "PhotoMechanic.jpg"])
    func trailers(name: String) throws {
        let (_, report) = try scrub(try Corpus.bytes("exiftool/t/images/" + name))
        #expect((report.removed.first { $0.what == "data after end of image" }?.bytes ?? 0) > 0)
    }

    @Test("keeps an already canonical Adobe APP14 of a YCCK file as it is")
    func adobeAlreadyCanonical() throws {
        let (cleaned, report) = try scrub(try Corpus.bytes("metadata-extractor-images/jpg/Multiple ICC segments.jpg"))
        let adobe = try #require(JPEGLayout(cleaned)?.headerSegments.first { $0.marker == 0xEE })
        #expect(adobe.bytes == [0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x02])
        #expect(report.added.filter { !$0.hasPrefix("ICC") } == [])
        // The profile spread over 9 APP2 segments is kept, in 9 segments of the same sizes.
        let iccBefore = try #require(JPEGLayout(try Corpus.bytes("metadata-extractor-images/jpg/Multiple ICC segments.jpg")))
            .headerSegments.filter { $0.marker == 0xE2 }
        let iccAfter = try #require(JPEGLayout(cleaned)).headerSegments.filter { $0.marker == 0xE2 }
        #expect(iccAfter.count == 9)
        #expect(iccAfter.map(\.bytes.count) == iccBefore.map(\.bytes.count))
    }

    @Test("rewrites an Adobe APP14 with flags set, keeping its colour transform")
    func adobeRewritten() throws {
        let (cleaned, report) = try scrub(try Corpus.bytes("metadata-extractor-images/jpg/Canon EOS 7D.jpg"))
        let adobe = try #require(JPEGLayout(cleaned)?.headerSegments.first { $0.marker == 0xEE })
        #expect(adobe.bytes == [0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01])
        #expect(report.added.filter { !$0.hasPrefix("ICC") } == ["canonical Adobe APP14 keeping only colour transform 1"])
        #expect(report.removed.contains(RemovedItem(what: "Adobe (APP14) version/flags", count: 1, bytes: 16)))
    }

    @Test("reads one byte at a time and in ragged pieces with the same result", arguments: [
        "exiftool/t/images/ExifTool.jpg", "exiftool/t/images/Pentax.jpg", "metadata-extractor-images/jpg/Issue 122.jpg",
    ])
    func streaming(path: String) throws {
        let original = try Corpus.bytes(path)
        let whole = try scrub(original, as: .jpeg)
        let bytewise = try scrub(original, as: .jpeg, chunkSizes: .fixed(1))
        let ragged = try scrub(original, as: .jpeg, chunkSizes: .random(seed: 7))
        #expect(bytewise.output == whole.output && bytewise.report == whole.report)
        #expect(ragged.output == whole.output && ragged.report == whole.report)
    }

    @Test("streams a multi-megabyte camera file in ragged pieces with the same result")
    func streamingLarge() throws {
        let original = try Corpus.bytes("metadata-extractor-images/jpg/Apple iPhone 6.jpg")
        let whole = try scrub(original, as: .jpeg)
        let ragged = try scrub(original, as: .jpeg, chunkSizes: .random(seed: 42))
        #expect(ragged.output == whole.output && ragged.report == whole.report)
    }
}

@Suite("JPEG scrubber on synthetic files")
struct JPEGSyntheticTests {
    static let dqt: [UInt8] = [0xFF, 0xDB, 0x00, 0x05, 0x00, 0x01, 0x02]
    static let sof: [UInt8] = [0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00]
    static let sos: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
    /// Entropy data with stuffing, restart markers, fill bytes and 0xFF next to block edges.
    static let scanData: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xFF, 0x00, 0xFF, 0xD7, 0xFF, 0x00, 0x9A]

    static func jpeg(_ metadata: [UInt8] = [], tail: [UInt8] = []) -> [UInt8] {
        [0xFF, 0xD8] + metadata + dqt + sof + sos + scanData + [0xFF, 0xD9] + tail
    }

    @Test("copies a clean file unchanged, however the input is split", arguments: [1, 2, 3, 5, 64 * 1024])
    func cleanFileUnchanged(pieceSize: Int) throws {
        let input = Self.jpeg()
        let (output, report) = try scrub(input, as: .jpeg, chunkSizes: .fixed(pieceSize))
        #expect(output == input)
        #expect(report == RemovalReport(mediaType: .jpeg))
    }

    @Test("copies a progressive layout with tables between scans and fill bytes before markers")
    func progressiveLayout() throws {
        let dht: [UInt8] = [0xFF, 0xC4, 0x00, 0x04, 0x10, 0x00]
        let input = [0xFF, 0xD8] + Self.dqt + Self.sof + Self.sos + Self.scanData + dht + Self.sos + [0x01, 0xFF, 0xFF]
            + Self.sos + Self.scanData + [0xFF, 0xD9]
        let (output, _) = try scrub(input, as: .jpeg, chunkSizes: .fixed(1))
        #expect(output == input)
    }

    @Test("drops metadata between scans too")
    func metadataBetweenScans() throws {
        let comment: [UInt8] = [0xFF, 0xFE, 0x00, 0x05, 0x61, 0x62, 0x63]
        let input = [0xFF, 0xD8] + Self.dqt + Self.sof + Self.sos + Self.scanData + comment + Self.sos + [0x01] + [0xFF, 0xD9]
        let (output, report) = try scrub(input, as: .jpeg)
        #expect(output == [0xFF, 0xD8] + Self.dqt + Self.sof + Self.sos + Self.scanData + Self.sos + [0x01] + [0xFF, 0xD9])
        #expect(report.removed == [RemovedItem(what: "comment (COM)", count: 1, bytes: 7)])
    }

    @Test("removes a JFIF thumbnail and keeps the JFIF header")
    func jfifThumbnail() throws {
        let jfif: [UInt8] = [0xFF, 0xE0, 0x00, 0x13] + Array("JFIF\0".utf8) + [0x01, 0x02, 0x00, 0x00, 0x48, 0x00, 0x48, 0x01, 0x01]
            + [0xAA, 0xBB, 0xCC]
        let (output, report) = try scrub(Self.jpeg(jfif), as: .jpeg)
        let expectedJFIF: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [0x01, 0x02, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]
        #expect(output == Self.jpeg(expectedJFIF))
        #expect(report.removed == [RemovedItem(what: "JFIF thumbnail (APP0)", count: 1, bytes: 3)])
    }

    @Test("puts JFIF, the minimal Exif and Adobe first, whatever the input order")
    func prologueOrder() throws {
        let exif = JPEGOrientation.minimalExifSegment(orientation: 3)
        let xmp: [UInt8] = [0xFF, 0xE1, 0x00, 0x22] + Array("http://ns.adobe.com/xap/1.0/\0".utf8) + [0x3C, 0x3E, 0x20]
        let adobe: [UInt8] = [0xFF, 0xEE, 0x00, 0x10] + Array("Adobe".utf8) + [0x00, 0x65, 0x80, 0x00, 0x00, 0x03, 0x01, 0x09, 0x09]
        let jfif: [UInt8] = [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF\0".utf8) + [0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]
        let (output, report) = try scrub(Self.jpeg(adobe + xmp + exif + jfif), as: .jpeg)
        let canonicalAdobe: [UInt8] = [0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01]
        #expect(output == Self.jpeg(jfif + exif + canonicalAdobe))
        #expect(report.removed.map(\.what) == ["Adobe (APP14) version/flags", "XMP (APP1)"])
        #expect(report.added.filter { !$0.hasPrefix("ICC") } == ["canonical Adobe APP14 keeping only colour transform 1"])
    }

    @Test("replaces a full Exif with orientation 6 by the minimal one")
    func exifReplaced() throws {
        var tiff: [UInt8] = Array("II".utf8) + [0x2A, 0x00, 0x08, 0x00, 0x00, 0x00, 0x02, 0x00]
        tiff += [0x0F, 0x01, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00] + Array("ACME".utf8)  // Make
        tiff += [0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00]  // Orientation 6
        tiff += [0x00, 0x00, 0x00, 0x00]
        let payload = Array("Exif\0\0".utf8) + tiff
        let exif: [UInt8] = [0xFF, 0xE1, 0x00, UInt8(payload.count + 2)] + payload
        let (output, report) = try scrub(Self.jpeg(exif), as: .jpeg)
        #expect(output == Self.jpeg(JPEGOrientation.minimalExifSegment(orientation: 6)))
        #expect(report.removed == [RemovedItem(what: "Exif (APP1)", count: 1, bytes: exif.count)])
        #expect(report.added == ["minimal Exif holding only Orientation=6"])
    }

    @Test("drops everything after EOI and counts it")
    func trailer() throws {
        let (output, report) = try scrub(Self.jpeg(tail: Array(repeating: 0x42, count: 100_000)), as: .jpeg)
        #expect(output == Self.jpeg())
        #expect(report.removed == [RemovedItem(what: "data after end of image", count: 1, bytes: 100_000)])
    }
}
