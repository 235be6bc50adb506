import Foundation
import Testing
@testable import MediaScrub

/// JPEGs made in the test with ImageMagick, exiftool and ffmpeg (plus hand-built segments), carrying a
/// distinct marker in every metadata location a phone or camera JPEG can have.
@Suite("JPEG scrubber on generated files",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.compare != nil && GeneratedImage.ffmpeg != nil,
                "needs exiftool, ImageMagick (convert, compare) and ffmpeg"))
struct JPEGGeneratedTests {
    typealias G = GeneratedImage

    /// A JPEG with a marker in each location, and the markers by location.
    struct TaggedJPEG {
        let directory: G.WorkDirectory
        let path: String
        let bytes: [UInt8]
        let markers: [String: String]
        let prefix: String
    }

    /// Builds the file: exiftool writes Exif (IFD0, ExifIFD, GPS, IFD1 and its thumbnail), XMP with
    /// Extended XMP, IPTC, a Photoshop IRB, COM and a multi-segment ICC profile; then hand-built FLIR
    /// APP1, MPF APP2, Adobe APP14 with flags and trailing bytes, an unknown APP15, late COM/APP13 segments
    /// between the tables and the scan, an MPF second image and a motion-photo MP4 after EOI.
    static func makeTaggedJPEG() throws -> TaggedJPEG {
        let dir = try G.WorkDirectory()
        let prefix = G.markerPrefix("J")
        let locations = [
            "artist", "make", "model", "software", "imagedescription", "copyright", "usercomment", "serial", "lensmodel",
            "gpsmethod", "ifd1artist", "thumbcomment", "xmpcreator", "xmpcity", "xmpextended", "iptcbyline", "iptccity",
            "iptccaption", "psurl", "comment", "iccdmnd", "iccdmdd", "flir", "app15", "adobetail", "latecom", "lateapp13",
            "mpfsecondcomment", "mpfsecondartist", "motiontitle", "motionlocation",
        ]
        var markers: [String: String] = [:]
        for location in locations { markers[location] = "\(prefix)-\(location)" }
        func m(_ location: String) -> String { markers[location]! }

        try G.run(Tool.convert!, ["-size", "96x64", "gradient:red-blue", "-quality", "92", dir.path("base.jpg")])
        try G.run(Tool.convert!, ["-size", "16x12", "xc:green", "-set", "comment", m("thumbcomment"), dir.path("thumb.jpg")])
        try G.run(Tool.convert!, ["-size", "32x24", "xc:yellow", "-set", "comment", m("mpfsecondcomment"), dir.path("second.jpg")])
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-IFD0:Artist=" + m("mpfsecondartist"), dir.path("second.jpg")])
        try dir.write(Array((m("xmpextended") + " " + String(repeating: "x", count: 70_000)).utf8), to: "big.txt")
        // The padding puts the identifying ICC tags into the profile's second APP2 segment.
        try dir.write(G.iccProfile(dmnd: m("iccdmnd"), dmdd: m("iccdmdd"), desc: "Generated RGB", cprt: "No copyright",
                                   padding: 70_000), to: "profile.icc")
        try G.run(Tool.exiftool!, [
            "-q", "-overwrite_original",
            "-IFD0:Artist=" + m("artist"), "-IFD0:Make=" + m("make"), "-IFD0:Model=" + m("model"),
            "-IFD0:Software=" + m("software"), "-IFD0:ImageDescription=" + m("imagedescription"),
            "-IFD0:Copyright=" + m("copyright"), "-ExifIFD:DateTimeOriginal=2019:01:02 03:04:05",
            "-ExifIFD:UserComment=" + m("usercomment"), "-ExifIFD:SerialNumber=" + m("serial"),
            "-ExifIFD:LensModel=" + m("lensmodel"),
            "-GPSLatitude=51.5007", "-GPSLatitudeRef=N", "-GPSLongitude=0.1246", "-GPSLongitudeRef=W",
            "-GPSProcessingMethod=" + m("gpsmethod"),
            "-IFD1:Artist=" + m("ifd1artist"), "-ThumbnailImage<=" + dir.path("thumb.jpg"),
            "-XMP-dc:Creator=" + m("xmpcreator"), "-XMP-photoshop:City=" + m("xmpcity"),
            "-XMP-dc:Description<=" + dir.path("big.txt"),
            "-IPTC:By-line=" + m("iptcbyline"), "-IPTC:City=" + m("iptccity"), "-IPTC:Caption-Abstract=" + m("iptccaption"),
            "-Photoshop:URL=" + m("psurl"), "-Comment=" + m("comment"),
            "-ICC_Profile<=" + dir.path("profile.icc"),
            dir.path("base.jpg"),
        ])
        try G.run(G.ffmpeg!, [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=0.4:size=32x32:rate=5",
            "-metadata", "title=" + m("motiontitle"), "-metadata", "location=" + m("motionlocation"),
            "-c:v", "mpeg4", "-f", "mov", dir.path("motion.mp4"),
        ])

        let tagged = try dir.read("base.jpg")
        let second = try dir.read("second.jpg")
        let motion = try dir.read("motion.mp4")
        let layout = try #require(JPEGLayout(tagged))

        let flir = G.segment(0xE1, Array("FLIR\0".utf8) + [0x01, 0x00, 0x01] + Array("FFF\0".utf8) + Array(m("flir").utf8))
        let app15 = G.segment(0xEF, Array("Vendor\0".utf8) + Array(m("app15").utf8))
        let adobe = G.segment(0xEE, Array("Adobe".utf8) + [0x00, 0x65, 0x80, 0x01, 0x40, 0x02, 0x01] + Array(m("adobetail").utf8))
        let lateCOM = G.segment(0xFE, Array(m("latecom").utf8))
        let lateAPP13 = G.segment(0xED, Array("Photoshop 3.0\0".utf8) + Array(m("lateapp13").utf8))

        func mpf(firstImageLength: Int) -> [UInt8] {
            // TIFF header (big-endian), one IFD with MPFVersion, NumberOfImages and MPEntry, then two MP entries.
            var tiff: [UInt8] = Array("MM".utf8) + [0x00, 0x2A] + G.bigEndian32(8)
            tiff += G.bigEndian16(3)
            tiff += [0xB0, 0x00] + G.bigEndian16(7) + G.bigEndian32(4) + Array("0100".utf8)
            tiff += [0xB0, 0x01] + G.bigEndian16(4) + G.bigEndian32(1) + G.bigEndian32(2)
            tiff += [0xB0, 0x02] + G.bigEndian16(7) + G.bigEndian32(32) + G.bigEndian32(8 + 2 + 36 + 4)
            tiff += G.bigEndian32(0)
            tiff += G.bigEndian32(0x2003_0000) + G.bigEndian32(firstImageLength) + G.bigEndian32(0) + [0, 0, 0, 0]
            // The second image's offset counts from the TIFF header, which starts 8 bytes into the segment at offset 2.
            tiff += G.bigEndian32(0x0001_0002) + G.bigEndian32(second.count) + G.bigEndian32(firstImageLength - 10) + [0, 0, 0, 0]
            return G.segment(0xE2, Array("MPF\0".utf8) + tiff)
        }
        let headerEnd = layout.firstScanOffset
        func assemble(_ mpfSegment: [UInt8]) -> [UInt8] {
            [0xFF, 0xD8] + mpfSegment + flir + app15 + adobe + Array(tagged[2..<headerEnd]) + lateCOM + lateAPP13
                + Array(tagged[headerEnd...])
        }
        let firstLength = assemble(mpf(firstImageLength: 0)).count
        let bytes = assemble(mpf(firstImageLength: firstLength)) + second + motion
        try dir.write(bytes, to: "tagged.jpg")
        return TaggedJPEG(directory: dir, path: dir.path("tagged.jpg"), bytes: bytes, markers: markers, prefix: prefix)
    }

    @Test("every marker is in the generated original, and none is left after scrubbing")
    func everyLocationScrubbed() throws {
        let file = try Self.makeTaggedJPEG()
        let present = try G.presentMarkers(Array(file.markers.values), bytes: file.bytes, path: file.path)
        let missing = file.markers.filter { !present.contains($0.value) }.keys.sorted()
        #expect(missing == [], "the generator failed to place markers in: \(missing)")

        let (cleaned, report) = try scrub(file.bytes)
        #expect(report.mediaType == .jpeg)
        let leaked = file.markers.filter { G.contains(cleaned, $0.value) }.keys.sorted()
        #expect(leaked == [], "markers left in the scrubbed JPEG: \(leaked)")
        #expect(!G.contains(cleaned, file.prefix))
        // The ICC header's device manufacturer, model and creator are blanked too.
        for field in ["MSMF", "MSMD", "MSCB"] { #expect(!G.contains(cleaned, field), "ICC header field \(field) left") }

        let removed = Set(report.removed.map(\.what))
        for expected in ["Exif (APP1)", "XMP (APP1)", "Extended XMP (APP1)", "IPTC/Photoshop (APP13)", "comment (COM)",
                         "FLIR (APP1)", "MPF (APP2)", "APP15", "Adobe (APP14) version/flags", "data after end of image"] {
            #expect(removed.contains(expected), "report lacks \(expected): \(removed.sorted())")
        }
        let trailing = report.removed.first { $0.what == "data after end of image" }?.bytes
        #expect(trailing != nil && trailing! >= 1000, "the MPF image and the motion photo should be reported after EOI")

        try file.directory.write(cleaned, to: "cleaned.jpg")
        let tags = try Tool.exiftoolTags(cleaned, ext: "jpg")
        #expect(Leak.find(in: tags, iccIsLeak: true) == [])
        let left = tags.keys.filter { ["EXIF", "XMP", "IPTC", "Photoshop", "MPF", "FLIR", "APP14", "MakerNotes", "QuickTime"].contains(String($0.split(separator: ":")[0])) }
        #expect(left.allSatisfy { $0 == "APP14:Adobe:DCTEncodeVersion" || $0.hasPrefix("APP14:Adobe:") }, "left: \(left.sorted())")
    }

    @Test("the ICC profile survives, reassembled from its APP2 segments, with colour data unchanged")
    func iccProfileKept() throws {
        let file = try Self.makeTaggedJPEG()
        let (cleaned, _) = try scrub(file.bytes)
        func profile(_ bytes: [UInt8]) throws -> [UInt8] {
            let layout = try #require(JPEGLayout(bytes))
            let chunks = layout.headerSegments.filter { $0.marker == 0xE2 && $0.bytes[4..<16].elementsEqual("ICC_PROFILE\0".utf8) }
            return chunks.sorted { $0.bytes[16] < $1.bytes[16] }.flatMap { $0.bytes[18...] }
        }
        let before = try profile(file.bytes)
        let after = try profile(cleaned)
        let layout = try #require(JPEGLayout(cleaned))
        #expect(layout.headerSegments.filter { $0.marker == 0xE2 }.count >= 2, "the 70 KB profile needs two APP2 segments")
        #expect(after.count == before.count)
        // Only the header's date, manufacturer, model, creator and ID and the dmnd/dmdd/cprt texts may change.
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed.allSatisfy { $0 < 128 ? (4..<8).contains($0) || (24..<36).contains($0) || (48..<56).contains($0) || (80..<100).contains($0) : true })
        #expect(Array(after[128..<70_000]) == Array(before[128..<70_000]), "the tag table and padding tag must be unchanged")
    }

    @Test("pixels decode the same (compare -metric AE = 0 and identical RGB)")
    func samePixels() throws {
        let file = try Self.makeTaggedJPEG()
        let (cleaned, _) = try scrub(file.bytes)
        try file.directory.write(cleaned, to: "cleaned.jpg")
        #expect(try G.differingPixels(file.path, file.directory.path("cleaned.jpg")) == 0)
        let before = try Tool.decodedPixels(file.bytes, ext: "jpg")
        let after = try Tool.decodedPixels(cleaned, ext: "jpg")
        #expect(before.count == 96 * 64 * 3)
        #expect(before == after)
    }

    @Test("scrubbing the output again removes nothing and changes no byte")
    func idempotent() throws {
        let file = try Self.makeTaggedJPEG()
        let (first, _) = try scrub(file.bytes)
        let (second, report) = try scrub(first)
        #expect(second == first)
        #expect(report.removed == [])
    }

    @Test("a CMYK JPEG with an Adobe APP14 (flags set, marker appended) decodes the same; APP14 keeps only the transform")
    func cmykAdobe() throws {
        let dir = try G.WorkDirectory()
        let marker = G.markerPrefix("A") + "-adobe"
        try G.run(Tool.convert!, ["-size", "64x48", "gradient:cyan-yellow", "-colorspace", "CMYK", "-quality", "90", dir.path("cmyk.jpg")])
        let original = try dir.read("cmyk.jpg")
        let layout = try #require(JPEGLayout(original))
        let adobeIndex = try #require(layout.headerSegments.firstIndex { $0.marker == 0xEE }, "ImageMagick wrote no APP14 for CMYK")
        let adobeSegment = layout.headerSegments[adobeIndex].bytes
        let transform = adobeSegment[15]
        // Replace ImageMagick's APP14 by one with version 101, both flag words set, and trailing marker bytes.
        let flagged = G.segment(0xEE, Array("Adobe".utf8) + [0x00, 0x65, 0xC0, 0x00, 0x00, 0x01, transform] + Array(marker.utf8))
        let start = try #require(Data(original).range(of: Data(adobeSegment))).lowerBound
        let tampered = Array(original[..<start]) + flagged + Array(original[(start + adobeSegment.count)...])
        try dir.write(tampered, to: "tampered.jpg")
        #expect(G.contains(tampered, marker))

        let (cleaned, report) = try scrub(tampered)
        try dir.write(cleaned, to: "cleaned.jpg")
        #expect(!G.contains(cleaned, marker))
        #expect(report.removed.contains { $0.what == "Adobe (APP14) version/flags" })
        let after = try #require(JPEGLayout(cleaned))
        let adobe = after.headerSegments.filter { $0.marker == 0xEE }.map(\.bytes)
        #expect(adobe == [[0xFF, 0xEE, 0x00, 0x0E] + Array("Adobe".utf8) + [0x00, 0x64, 0, 0, 0, 0, transform]])
        #expect(try G.differingPixels(dir.path("tampered.jpg"), dir.path("cleaned.jpg")) == 0)
        #expect(try Tool.decodedPixels(tampered, ext: "jpg") == (try Tool.decodedPixels(cleaned, ext: "jpg")))
        #expect(try G.differingPixels(dir.path("cmyk.jpg"), dir.path("cleaned.jpg")) == 0)
    }

    @Test("a motion photo's embedded MP4 (with its own title and location) is not carried over")
    func motionPhotoTrailer() throws {
        let file = try Self.makeTaggedJPEG()
        let motion = try file.directory.read("motion.mp4")
        // The oracle: the MP4 really is in the original, whole, after the primary image.
        #expect(Data(file.bytes).range(of: Data(motion)) != nil)
        let (cleaned, _) = try scrub(file.bytes)
        #expect(Data(cleaned).range(of: Data("ftyp".utf8)) == nil)
        #expect(Data(cleaned).range(of: Data("moov".utf8)) == nil)
        #expect(!G.contains(cleaned, file.markers["motionlocation"]!) && !G.contains(cleaned, file.markers["motiontitle"]!))
        // Exactly one image remains: one SOI at the start, one EOI at the end.
        #expect(cleaned.suffix(2) == [0xFF, 0xD9])
        #expect(Data(cleaned.dropFirst(2)).range(of: Data([0xFF, 0xD8, 0xFF])) == nil)
    }
}
