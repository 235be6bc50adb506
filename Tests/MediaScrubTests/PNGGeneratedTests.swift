import Foundation
import Testing
@testable import MediaScrub

/// PNGs and APNGs made in the test with ImageMagick and exiftool, plus hand-built chunks (with correct
/// CRCs), carrying a distinct marker in every metadata location a PNG can have.
@Suite("PNG scrubber on generated files",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.compare != nil && GeneratedImage.ffmpeg != nil,
                "needs exiftool, ImageMagick (convert, compare) and ffmpeg"))
struct PNGGeneratedTests {
    typealias G = GeneratedImage

    /// The chunks a scrubbed PNG may hold.
    static let allowedChunks: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND", "iCCP", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs", "acTL", "fcTL", "fdAT",
    ]

    static func file(_ chunks: [PNGChunk]) -> [UInt8] { pngSignature + chunks.flatMap(\.fileBytes) }

    static func text(_ keyword: String, _ value: String) -> PNGChunk {
        PNGChunk(type: "tEXt", data: Array(keyword.utf8) + [0] + Array(value.utf8))
    }

    /// A PNG with markers in tEXt, zTXt (compressed by exiftool), iTXt (XMP and a language-tagged text),
    /// eXIf, a vendor chunk before IDAT, text, iTXt, eXIf and a vendor chunk after IDAT, and data after IEND;
    /// plus a tIME chunk.
    static func makeTaggedPNG(_ dir: G.WorkDirectory, prefix: String) throws -> (bytes: [UInt8], markers: [String: String]) {
        let locations = [
            "author", "comment", "xmpcreator", "exifartist", "exifmake", "ztxttitle", "itxtcopyright", "vendor",
            "latetext", "lateitxt", "latezxt", "lateexif", "latevendor", "afteriend",
        ]
        var markers: [String: String] = [:]
        for location in locations { markers[location] = "\(prefix)-\(location)" }
        func m(_ location: String) -> String { markers[location]! }

        try G.run(Tool.convert!, ["-size", "40x30", "gradient:red-blue", "PNG24:" + dir.path("base.png")])
        try G.run(Tool.exiftool!, [
            "-q", "-overwrite_original", "-PNG:Author=" + m("author"), "-PNG:Comment=" + m("comment"),
            "-XMP-dc:Creator=" + m("xmpcreator"), "-IFD0:Artist=" + m("exifartist"), "-IFD0:Make=" + m("exifmake"),
            "-PNG:ModifyDate=2020:01:02 03:04:05", "-PNG:Copyright-fr=" + m("itxtcopyright") + " é",
            dir.path("base.png"),
        ])
        // -z compresses new text into zTXt; a long value makes compression worthwhile, so the marker is not in plain bytes.
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-z",
                                   "-PNG:Title=" + m("ztxttitle") + String(repeating: " abcabc", count: 60), dir.path("base.png")])
        let chunks = try #require(PNGChunk.parse(try dir.read("base.png")))
        let firstIDAT = try #require(chunks.firstIndex { $0.type == "IDAT" })
        let exifAfter = Array("MM".utf8) + [0, 0x2A] + G.bigEndian32(8) + G.bigEndian16(1)
            + [0x01, 0x3B] + G.bigEndian16(2) + G.bigEndian32(m("lateexif").utf8.count + 1) + G.bigEndian32(26)
            + G.bigEndian32(0) + Array(m("lateexif").utf8) + [0]
        let early = [PNGChunk(type: "prVt", data: Array(m("vendor").utf8))]
        let late = [
            text("Comment", m("latetext")),
            PNGChunk(type: "iTXt", data: Array("Author".utf8) + [0, 0, 0] + Array("en".utf8) + [0] + [0] + Array(m("lateitxt").utf8)),
            PNGChunk(type: "zTXt", data: Array("Note".utf8) + [0, 0] + Array(m("latezxt").utf8)),
            PNGChunk(type: "eXIf", data: exifAfter),
            PNGChunk(type: "mkRk", data: Array(m("latevendor").utf8)),
        ]
        let iend = try #require(chunks.firstIndex { $0.type == "IEND" })
        let assembled = Array(chunks[1..<firstIDAT]) + Array(chunks[firstIDAT..<iend]) + late + [chunks[iend]]
        let bytes = file([chunks[0]] + early + assembled) + Array(m("afteriend").utf8)
        return (bytes, markers)
    }

    @Test("every marker is in the generated original, and none is left after scrubbing; only allowed chunks remain")
    func everyLocationScrubbed() throws {
        let dir = try G.WorkDirectory()
        let prefix = G.markerPrefix("P")
        let (original, markers) = try Self.makeTaggedPNG(dir, prefix: prefix)
        try dir.write(original, to: "tagged.png")
        let present = try G.presentMarkers(Array(markers.values), bytes: original, path: dir.path("tagged.png"))
        #expect(markers.filter { !present.contains($0.value) }.keys.sorted() == [], "the generator failed to place some markers")
        #expect(!G.contains(original, markers["ztxttitle"]!), "the zTXt title should be compressed in the original")
        let originalChunks = try #require(PNGChunk.parse(original))
        for type in ["tEXt", "zTXt", "iTXt", "eXIf", "tIME", "prVt", "mkRk"] {
            #expect(originalChunks.contains { $0.type == type }, "the original lacks a \(type) chunk")
        }

        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .png)
        #expect(markers.filter { G.contains(cleaned, $0.value) }.keys.sorted() == [])
        #expect(!G.contains(cleaned, prefix))
        let chunks = try #require(PNGChunk.parse(cleaned))
        let allValid = chunks.allSatisfy { $0.crcIsValid }
        #expect(allValid)
        #expect(chunks.allSatisfy { Self.allowedChunks.contains($0.type) }, "chunks: \(chunks.map(\.type))")
        #expect(chunks.last?.type == "IEND" && cleaned.count == 8 + chunks.reduce(0) { $0 + 12 + $1.data.count })
        // The image data is copied byte for byte.
        #expect(chunks.filter { $0.type == "IDAT" }.flatMap(\.data) == originalChunks.filter { $0.type == "IDAT" }.flatMap(\.data))

        let tags = try Tool.exiftoolTags(cleaned, ext: "png")
        #expect(Leak.find(in: tags, iccIsLeak: true) == [])
        let textual = tags.keys.filter { key in ["EXIF", "XMP", "PNG:PNG-tIME", "PNG:TextualData"].contains { key.hasPrefix($0) } }
        #expect(textual == [], "left: \(textual.sorted())")

        try dir.write(cleaned, to: "cleaned.png")
        #expect(try G.differingPixels(dir.path("tagged.png"), dir.path("cleaned.png")) == 0)
        let before = try Tool.decodedPixels(original, ext: "png")
        #expect(before.count == 40 * 30 * 3)
        #expect(before == (try Tool.decodedPixels(cleaned, ext: "png")))

        let (again, secondReport) = try scrub(cleaned)
        #expect(again == cleaned && secondReport.removed == [])
    }

    /// Two single-colour-gradient frames encoded by ImageMagick, assembled into an APNG by hand, with
    /// markers in text chunks before, between and after the frames and in a vendor chunk.
    @Test("an APNG keeps acTL/fcTL/fdAT and every frame decodes the same; text between frames is gone")
    func apng() throws {
        let dir = try G.WorkDirectory()
        let prefix = G.markerPrefix("N")
        let markers = ["beforeframes", "betweenframes", "afterframes", "vendor"].map { "\(prefix)-\($0)" }
        try G.run(Tool.convert!, ["-size", "24x16", "gradient:red-blue", "+set", "date:create", "+set", "date:modify",
                                  "PNG24:" + dir.path("f0.png")])
        try G.run(Tool.convert!, ["-size", "24x16", "gradient:yellow-green", "+set", "date:create", "+set", "date:modify",
                                  "PNG24:" + dir.path("f1.png")])
        let frame0 = try #require(PNGChunk.parse(try dir.read("f0.png")))
        let frame1 = try #require(PNGChunk.parse(try dir.read("f1.png")))
        let ihdr = try #require(frame0.first { $0.type == "IHDR" })
        #expect(ihdr.data == frame1.first { $0.type == "IHDR" }?.data, "both frames must share the header")
        func fcTL(_ sequence: Int) -> PNGChunk {
            PNGChunk(type: "fcTL", data: G.bigEndian32(sequence) + G.bigEndian32(24) + G.bigEndian32(16) + G.bigEndian32(0)
                + G.bigEndian32(0) + G.bigEndian16(1) + G.bigEndian16(10) + [0, 0])
        }
        let data0 = frame0.filter { $0.type == "IDAT" }.flatMap(\.data)
        let data1 = frame1.filter { $0.type == "IDAT" }.flatMap(\.data)
        let chunks: [PNGChunk] = [
            ihdr, PNGChunk(type: "acTL", data: G.bigEndian32(2) + G.bigEndian32(1)),
            Self.text("Author", markers[0]), fcTL(0), PNGChunk(type: "IDAT", data: data0),
            Self.text("Comment", markers[1]), fcTL(1), PNGChunk(type: "fdAT", data: G.bigEndian32(2) + data1),
            Self.text("Comment", markers[2]), PNGChunk(type: "prVt", data: Array(markers[3].utf8)),
            PNGChunk(type: "IEND", data: []),
        ]
        let original = Self.file(chunks)
        try dir.write(original, to: "anim.png")
        for marker in markers { #expect(G.contains(original, marker)) }

        let (cleaned, _) = try scrub(original)
        try dir.write(cleaned, to: "cleaned.png")
        for marker in markers { #expect(!G.contains(cleaned, marker), "\(marker) left") }
        let after = try #require(PNGChunk.parse(cleaned))
        #expect(after.map(\.type) == ["IHDR", "acTL", "fcTL", "IDAT", "fcTL", "fdAT", "IEND"])
        let allCRCsValid = after.allSatisfy { $0.crcIsValid }
        #expect(allCRCsValid)
        let animation = { (list: [PNGChunk]) in list.filter { ["acTL", "fcTL", "IDAT", "fdAT"].contains($0.type) }.map(\.data) }
        #expect(animation(after) == animation(chunks))

        func frames(_ path: String) throws -> Data {
            try G.run(G.ffmpeg!, ["-v", "error", "-ignore_loop", "1", "-f", "apng", "-i", path, "-vsync", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        }
        let before = try frames(dir.path("anim.png"))
        #expect(before.count == 2 * 24 * 16 * 4, "ffmpeg should decode two frames")
        #expect(before == (try frames(dir.path("cleaned.png"))))
        // ImageMagick's coalesced view agrees too (it may see only the default image).
        let coalescedBefore = try G.run(Tool.convert!, [dir.path("anim.png"), "-coalesce", "-depth", "8", "rgba:-"])
        let coalescedAfter = try G.run(Tool.convert!, [dir.path("cleaned.png"), "-coalesce", "-depth", "8", "rgba:-"])
        #expect(!coalescedBefore.isEmpty && coalescedBefore == coalescedAfter)
    }
}
