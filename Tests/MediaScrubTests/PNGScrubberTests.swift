import Foundation
import Testing
@testable import MediaScrub

@Suite("PNG scrubber on the sample corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct PNGCorpusTests {
    static let allowed: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND", "iCCP", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs", "acTL", "fcTL", "fdAT",
    ]

    @Test("keeps image data and allowed chunks byte for byte, with valid CRCs", arguments: Corpus.pngFiles)
    func lossless(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, report) = try scrub(original)
        let before = try #require(PNGChunk.parse(original))
        let after = try #require(PNGChunk.parse(cleaned))
        #expect(after.allSatisfy { $0.crcIsValid })
        #expect(after.allSatisfy { Self.allowed.contains($0.type) })
        // iCCP is rewritten (profile cleaned, name neutral); PNGICCPTests.corpusICCP checks its profile.
        let copied = { (chunks: [PNGChunk]) in chunks.filter { Self.allowed.contains($0.type) && $0.type != "iCCP" }.map(\.fileBytes) }
        #expect(copied(after) == copied(before))
        #expect(after.filter { $0.type == "iCCP" }.count == before.filter { $0.type == "iCCP" }.count)
        #expect(after.filter { $0.type == "IDAT" }.flatMap(\.data) == before.filter { $0.type == "IDAT" }.flatMap(\.data))
        #expect(cleaned.prefix(8) == original.prefix(8))
        let droppedBytes = before.filter { !Self.allowed.contains($0.type) }.reduce(0) { $0 + $1.data.count + 12 }
        let trailing = original.count - 8 - before.reduce(0) { $0 + $1.data.count + 12 }
        let iccpBytes = { (chunks: [PNGChunk]) in chunks.filter { $0.type == "iCCP" }.reduce(0) { $0 + $1.data.count + 12 } }
        #expect(report.removed.filter { !$0.what.hasPrefix("ICC profile") }.reduce(0) { $0 + $1.bytes } == droppedBytes + trailing)
        #expect(cleaned.count - iccpBytes(after) == original.count - droppedBytes - trailing - iccpBytes(before))
    }

    @Test("is idempotent", arguments: Corpus.pngFiles)
    func idempotent(path: String) throws {
        let (first, _) = try scrub(try Corpus.bytes(path))
        let (second, report) = try scrub(first)
        #expect(second == first)
        #expect(report == RemovalReport(mediaType: .png))
    }

    @Test("decodes to the same pixels (ImageMagick)", .enabled(if: Tool.convert != nil, "ImageMagick convert not installed"),
          arguments: Corpus.pngFiles)
    func samePixels(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let before = try Tool.decodedPixels(original, ext: "png")
        let after = try Tool.decodedPixels(cleaned, ext: "png")
        #expect(!after.isEmpty && before == after)
    }

    @Test("leaves no text, time, Exif or XMP for exiftool to find", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.pngFiles)
    func exiftoolFindsNoLeak(path: String) throws {
        let (cleaned, _) = try scrub(try Corpus.bytes(path))
        let tags = try Tool.exiftoolTags(cleaned, ext: "png")
        #expect(tags["File:FileType"] as? String == "PNG")
        #expect(Leak.find(in: tags, iccIsLeak: true) == [])
        #expect(tags.keys.filter { $0.hasPrefix("EXIF:") } == [])
    }

    @Test("reports the text and time chunks of PNG.png and dirty.png")
    func reports() throws {
        let (_, exiftoolPNG) = try scrub(try Corpus.bytes("exiftool/t/images/PNG.png"))
        #expect(exiftoolPNG.removed.contains { $0.what.hasPrefix("PNG text chunk") && $0.bytes > 0 })
        let (cleaned, dirty) = try scrub(try Corpus.bytes("mat2/tests/data/dirty.png"))
        #expect(dirty.removed.contains { $0.what == "PNG time chunk tIME" && $0.count == 1 && $0.bytes == 19 })
        #expect(dirty.removed.contains { $0.what.hasPrefix("PNG text chunk") })
        #expect(try #require(PNGChunk.parse(cleaned)).allSatisfy { !["tEXt", "zTXt", "iTXt", "tIME", "eXIf"].contains($0.type) })
    }

    @Test("reads one byte at a time and in ragged pieces with the same result")
    func streaming() throws {
        for path in ["exiftool/t/images/PNG.png", "mat2/tests/data/dirty.png"] {
            let original = try Corpus.bytes(path)
            let whole = try scrub(original, as: .png)
            let bytewise = try scrub(original, as: .png, chunkSizes: .fixed(1))
            let ragged = try scrub(original, as: .png, chunkSizes: .random(seed: 3))
            #expect(bytewise.output == whole.output && bytewise.report == whole.report)
            #expect(ragged.output == whole.output && ragged.report == whole.report)
        }
    }
}

@Suite("PNG scrubber on synthetic files")
struct PNGSyntheticTests {
    static let ihdr = PNGChunk(type: "IHDR", data: [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
    static let idat = PNGChunk(type: "IDAT", data: [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
    static let iend = PNGChunk(type: "IEND", data: [])

    static func png(_ chunks: [PNGChunk], tail: [UInt8] = []) -> [UInt8] {
        pngSignature + chunks.flatMap(\.fileBytes) + tail
    }

    @Test("drops metadata before and after IDAT, unknown chunks, and data after IEND")
    func dropsEverywhere() throws {
        let text = PNGChunk(type: "tEXt", data: Array("Author\0Someone".utf8))
        let time = PNGChunk(type: "tIME", data: [0x07, 0xE8, 1, 2, 3, 4, 5])
        let vendor = PNGChunk(type: "vpAg", data: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        let exif = PNGChunk(type: "eXIf", data: Array("MM\0*".utf8))
        let gama = PNGChunk(type: "gAMA", data: [0, 0, 0xB1, 0x8F])
        let input = Self.png([Self.ihdr, text, gama, vendor, Self.idat, time, exif, text, Self.iend], tail: [1, 2, 3])
        let (output, report) = try scrub(input, as: .png, chunkSizes: .fixed(5))
        #expect(output == Self.png([Self.ihdr, gama, Self.idat, Self.iend]))
        #expect(report.removed == [
            RemovedItem(what: "PNG text chunk tEXt", count: 2, bytes: 2 * (12 + 14)),
            RemovedItem(what: "PNG chunk vpAg", count: 1, bytes: 21),
            RemovedItem(what: "PNG time chunk tIME", count: 1, bytes: 19),
            RemovedItem(what: "PNG Exif chunk eXIf", count: 1, bytes: 16),
            RemovedItem(what: "data after end of image", count: 1, bytes: 3),
        ])
    }

    @Test("keeps APNG animation chunks")
    func keepsAnimation() throws {
        let actl = PNGChunk(type: "acTL", data: [0, 0, 0, 1, 0, 0, 0, 0])
        let fctl = PNGChunk(type: "fcTL", data: Array(repeating: 0, count: 26))
        let fdat = PNGChunk(type: "fdAT", data: [0, 0, 0, 1] + Self.idat.data)
        let input = Self.png([Self.ihdr, actl, fctl, Self.idat, fctl, fdat, Self.iend])
        let (output, report) = try scrub(input, as: .png)
        #expect(output == input)
        #expect(report.isEmpty)
    }

    @Test("streams a large IDAT in pieces with its CRC checked")
    func largeIDAT() throws {
        var random = SplitMix64(seed: 11)
        let data = (0..<1_000_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let input = Self.png([Self.ihdr, PNGChunk(type: "IDAT", data: data), Self.iend])
        let (output, _) = try scrub(input, as: .png)
        #expect(output == input)
    }

    @Test("rejects a kept chunk whose CRC does not match")
    func badCRC() {
        let damaged = PNGChunk(type: "IDAT", data: Self.idat.data, storedCRC: Self.idat.storedCRC ^ 1)
        #expect(throws: ScrubError.malformed("the CRC of the PNG chunk IDAT at offset 33 does not match its contents")) {
            try scrub(Self.png([Self.ihdr, damaged, Self.iend]), as: .png)
        }
    }

    @Test("rejects a file that does not start with IHDR")
    func ihdrFirst() {
        #expect(throws: ScrubError.malformed("the first PNG chunk is IDAT, not IHDR")) {
            try scrub(Self.png([Self.idat, Self.ihdr, Self.iend]), as: .png)
        }
    }
}
