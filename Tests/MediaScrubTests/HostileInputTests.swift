import Foundation
import Testing
import MediaScrub

@Suite("Hostile input")
struct HostileInputTests {
    /// Scrubs `input` as `type`; only success or a `ScrubError` are acceptable outcomes.
    static func outcome(_ input: [UInt8], as type: MediaType) -> Result<[UInt8], ScrubError>? {
        do {
            return .success(try scrub(input, as: type).output)
        } catch let error as ScrubError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    static func isTruncated(_ result: Result<[UInt8], ScrubError>?) -> Bool {
        if case .failure(.truncated) = result { return true }
        return false
    }

    /// Scrubs `input` as `type`, returning the report too; nil (with an issue) for an error that is not a `ScrubError`.
    static func cleaned(_ input: [UInt8], as type: MediaType) -> (output: [UInt8], report: RemovalReport)? {
        do {
            return try scrub(input, as: type)
        } catch is ScrubError {
            return nil
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    /// Every cut before the first scan's entropy-coded data is refused as truncated (these files hold no APPn or COM
    /// after it); every cut from there to EOI is cleaned into a prefix of the whole file's cleaned output, kept as
    /// received from the scan data's start.
    @Test("every cut of a real JPEG before its scan data is truncated; every later cut is cleaned up to the cut",
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"),
          arguments: ["exiftool/t/images/GPS.jpg", "exiftool/t/images/ExifTool.jpg", "exiftool/t/images/Pentax.jpg"])
    func truncatedJPEG(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, report) = try scrub(original)
        let trailing = report.removed.first { $0.what == "data after end of image" }?.bytes ?? 0
        let endOfImage = original.count - trailing
        let scanOffset = try #require(JPEGLayout(original)).firstScanOffset
        let scanDataStart = scanOffset + 2 + (Int(original[scanOffset + 2]) << 8 | Int(original[scanOffset + 3]))
        #expect(!cleaned.isEmpty)
        for cut in 0..<scanDataStart {
            let result = Self.outcome(Array(original.prefix(cut)), as: .jpeg)
            #expect(Self.isTruncated(result), "cut at \(cut) of \(endOfImage): \(String(describing: result))")
        }
        for cut in scanDataStart..<endOfImage {
            let result = Self.cleaned(Array(original.prefix(cut)), as: .jpeg)
            #expect(result?.report.keptAsReceivedAfter == scanDataStart, "cut at \(cut)")
            #expect(result.map { cleaned.starts(with: $0.output) && $0.output.count == cleaned.count - (endOfImage - cut) } == true,
                    "cut at \(cut)")
        }
        for cut in stride(from: endOfImage, through: original.count, by: max(1, trailing / 50)) {
            #expect(throws: Never.self) { try scrub(Array(original.prefix(cut)), as: .jpeg) }
        }
    }

    /// Cuts before the first IDAT's data, and inside the data of a dropped (possibly metadata) chunk, are refused as
    /// truncated; cuts inside IDAT are kept as received from that IDAT; cuts inside a later chunk header or a kept
    /// chunk after the image data end the file at that chunk, with the partial chunk dropped.
    @Test("every cut of a real PNG is truncated before its image data or inside a dropped chunk, and cleaned elsewhere",
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"),
          arguments: ["exiftool/t/images/PNG.png", "metadata-extractor-images/png/PngSuite/ctzn0g04.png"])
    func truncatedPNG(path: String) throws {
        let original = try Corpus.bytes(path)
        let chunks = try #require(PNGChunk.parse(original))
        var starts: [Int] = []
        var offset = 8
        for chunk in chunks {
            starts.append(offset)
            offset += chunk.data.count + 12
        }
        let firstIDAT = try #require(chunks.firstIndex { $0.type == "IDAT" })
        let keptTypes: Set<String> = ["IHDR", "PLTE", "IDAT", "IEND", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs"]
        for cut in 0..<offset {
            let index = starts.lastIndex { $0 <= cut } ?? -1
            let result = Self.cleaned(Array(original.prefix(cut)), as: .png)
            if index < firstIDAT || (index == firstIDAT && cut < starts[index] + 8) {
                #expect(Self.isTruncated(Self.outcome(Array(original.prefix(cut)), as: .png)), "cut at \(cut)")
            } else if !keptTypes.contains(chunks[index].type) && cut >= starts[index] + 8 {
                #expect(result == nil, "cut at \(cut) inside \(chunks[index].type) was accepted")
            } else {
                #expect(result?.report.keptAsReceivedAfter == starts[index], "cut at \(cut)")
            }
        }
    }

    @Test("random byte flips never crash or hang", .timeLimit(.minutes(2)),
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"),
          arguments: [
              ("exiftool/t/images/GPS.jpg", MediaType.jpeg), ("exiftool/t/images/ExifTool.jpg", .jpeg),
              ("exiftool/t/images/Pentax.jpg", .jpeg), ("exiftool/t/images/PNG.png", .png),
              ("metadata-extractor-images/png/PngSuite/cten0g04.png", .png),
          ])
    func byteFlips(path: String, type: MediaType) throws {
        let original = try Corpus.bytes(path)
        var random = SplitMix64(seed: UInt64(original.count))
        for _ in 0..<400 {
            var mutated = original
            for _ in 0...Int(random.next() % 8) {
                let index = Int(random.next() % UInt64(mutated.count))
                // Bias towards the bytes that steer parsing: lengths, markers, 0xFF.
                switch random.next() % 4 {
                case 0: mutated[index] = 0xFF
                case 1: mutated[index] = 0x00
                default: mutated[index] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            let result = Self.outcome(mutated, as: type)
            if case .success(let output) = result {
                #expect(output.count <= mutated.count + 36 + 16)
            }
        }
    }

    @Test("random garbage after a valid signature never crashes", arguments: [MediaType.jpeg, .png])
    func garbage(type: MediaType) {
        var random = SplitMix64(seed: 99)
        let signature: [UInt8] = type == .jpeg ? [0xFF, 0xD8] : pngSignature
        for length in [0, 1, 2, 3, 7, 64, 1000, 70_000] {
            let garbage = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = Self.outcome(signature + garbage, as: type)
        }
    }

    @Test("a JPEG segment length pointing past the end is truncated")
    func segmentPastEnd() {
        let input: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF] + Array("Exif\0\0MM".utf8)
        #expect(throws: ScrubError.truncated("inside JPEG segment 0xFFE1 at offset 2")) { try scrub(input) }
        let table: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB, 0x10, 0x00, 0x01]
        #expect(throws: ScrubError.truncated("inside JPEG segment 0xFFDB at offset 2")) { try scrub(table) }
    }

    @Test("a JPEG segment length below 2 is malformed", arguments: [0, 1])
    func shortSegment(length: UInt8) {
        let input: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, length, 0xFF, 0xD9]
        #expect(throws: ScrubError.malformed("JPEG segment 0xFFE1 at offset 2 has length \(length), less than 2")) { try scrub(input) }
    }

    @Test("a stray byte where a JPEG marker should be is skipped; a second SOI, an unknown marker or no SOI are malformed")
    func garbageInsteadOfMarker() throws {
        let (output, report) = try scrub([0xFF, 0xD8, 0x41, 0xFF, 0xD9] as [UInt8], as: .jpeg)
        #expect(output == [0xFF, 0xD8, 0xFF, 0xD9])
        #expect(report.removed == [RemovedItem(what: "stray bytes between JPEG segments", count: 1, bytes: 1)])
        // A long run is more likely the rest of a segment that says it is shorter: refused, not searched for markers.
        let hidden = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0x45, 0x78] + Array("MARKER hidden text, then a table".utf8)
            + Array(repeating: 0x41, count: 40) + [0xFF, 0xC4, 0x00, 0x04, 0x41, 0x41, 0xFF, 0xD9]
        #expect(throws: ScrubError.malformed("more than 64 bytes at offset 8 belong to no JPEG segment (the segment before them may be longer than it says)")) {
            try scrub(hidden)
        }
        #expect(throws: ScrubError.malformed("a second JPEG start-of-image marker at offset 2")) {
            try scrub([0xFF, 0xD8, 0xFF, 0xD8, 0xFF, 0xD9])
        }
        #expect(throws: ScrubError.malformed("unsupported JPEG marker 0xFFF7 at offset 2")) {
            try scrub([0xFF, 0xD8, 0xFF, 0xF7, 0x00, 0x02, 0xFF, 0xD9])
        }
        #expect(throws: ScrubError.malformed("the JPEG start-of-image marker is missing")) {
            try scrub([0x00, 0xD8, 0xFF, 0xD9], as: .jpeg)
        }
    }

    @Test("an endless run of fill bytes ends as truncated")
    func endlessFill() {
        let input: [UInt8] = [0xFF, 0xD8] + Array(repeating: 0xFF, count: 200_000)
        #expect(throws: ScrubError.truncated("before the JPEG end-of-image marker")) { try scrub(input) }
    }

    @Test("a PNG chunk of 0x7FFFFFFF bytes is streamed, not allocated: an IDAT kept as received, a zTXt truncated")
    func hugeChunk() throws {
        let input = pngSignature + PNGSyntheticTests.ihdr.fileBytes + [0x7F, 0xFF, 0xFF, 0xFF] + Array("IDAT".utf8) + [1, 2, 3]
        let (output, report) = try scrub(input)
        #expect(output == input)
        #expect(report.keptAsReceivedAfter == 33)
        let dropped = pngSignature + PNGSyntheticTests.ihdr.fileBytes + [0x7F, 0xFF, 0xFF, 0xFF] + Array("zTXt".utf8)
        #expect(throws: ScrubError.truncated("inside the PNG chunk zTXt at offset 33")) { try scrub(dropped) }
    }

    @Test("a PNG chunk length above 2^31-1 is malformed", arguments: [0x80 as UInt8, 0xFF])
    func overlongChunk(firstByte: UInt8) {
        let input = pngSignature + PNGSyntheticTests.ihdr.fileBytes + [firstByte, 0, 0, 0] + Array("IDAT".utf8)
        let length = Int(firstByte) << 24
        #expect(throws: ScrubError.malformed("the PNG chunk IDAT at offset 33 claims \(length) bytes, more than 2^31-1")) {
            try scrub(input)
        }
    }

    @Test("a PNG chunk type that is not four letters is malformed")
    func badChunkType() {
        let input = pngSignature + PNGSyntheticTests.ihdr.fileBytes + [0, 0, 0, 0, 0x49, 0x44, 0x00, 0x54]
        #expect(throws: ScrubError.malformed("the PNG chunk at offset 33 has a type that is not four letters")) { try scrub(input) }
    }

    @Test("a PNG that stops before its image data is truncated; one that stops after it, before IEND, is kept as it is")
    func missingIEND() throws {
        #expect(throws: ScrubError.truncated("before the PNG IEND chunk")) { try scrub(pngSignature + PNGSyntheticTests.ihdr.fileBytes) }
        let input = pngSignature + PNGSyntheticTests.ihdr.fileBytes + PNGSyntheticTests.idat.fileBytes
        let (output, report) = try scrub(input)
        #expect(output == input)
        #expect(report.keptAsReceivedAfter == input.count)
        #expect(report.removed.isEmpty)
    }

    @Test("thousands of distinct unknown PNG chunk types are listed under a bounded number of kinds")
    func manyChunkKinds() throws {
        var chunks = [PNGSyntheticTests.ihdr]
        for index in 0..<5000 {
            let letters = [index / 676, (index / 26) % 26, index % 26].map { UInt8(0x61 + $0 % 26) }
            chunks.append(PNGChunk(type: String(decoding: [0x78] + letters, as: UTF8.self), data: [1]))
        }
        chunks += [PNGSyntheticTests.idat, PNGSyntheticTests.iend]
        let (output, report) = try scrub(PNGSyntheticTests.png(chunks), as: .png)
        #expect(output == PNGSyntheticTests.png([PNGSyntheticTests.ihdr, PNGSyntheticTests.idat, PNGSyntheticTests.iend]))
        #expect(report.removed.count == 64)
        #expect(report.removed.last == RemovedItem(what: "other structures", count: 5000 - 63, bytes: (5000 - 63) * 13))
        #expect(report.removed.reduce(0) { $0 + $1.count } == 5000)
    }
}
