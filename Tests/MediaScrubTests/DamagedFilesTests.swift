import Foundation
import Testing
import MediaScrub

/// Files that viewers show although they are damaged, as cameras, phones and partial downloads leave them: stray
/// bytes between JPEG segments, files cut inside their image data, ancillary PNG chunks with a bad CRC, GIFs without
/// a trailer or with garbage where it should be. Each is cleaned, keeps its pixels, loses its planted metadata, and
/// says where it was kept as received; a file cut inside a metadata structure is still refused.
@Suite("Damaged JPEG, PNG and GIF files",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.ffmpeg != nil,
                "exiftool, ImageMagick or ffmpeg not installed"))
struct DamagedFilesTests {
    typealias G = GeneratedImage

    // MARK: - Oracles

    /// A decoder's standard output and exit status, for files it may decode only in part.
    static func decode(_ bytes: [UInt8], ext: String) throws -> (output: Data, status: Int32) {
        let file = try TemporaryFile(bytes, ext: ext)
        if ext == "gif" { return try Tool.runAnyStatus(G.ffmpeg!, ["-v", "error", "-i", file.url.path, "-f", "framemd5", "-"]) }
        return try Tool.runAnyStatus(Tool.convert!, [file.url.path, "-depth", "8", "rgba:-"])
    }

    /// Scrubs `input` whole, in one-byte pieces, in random pieces and from an arriving source (which it must not
    /// rewind), checks all four agree, and checks what every accepted damaged file must satisfy: not larger than the
    /// input by more than 64 bytes, none of `markers` in its bytes or in exiftool's view, no identifying tag.
    static func clean(_ input: [UInt8], as type: MediaType, markers: [String]) throws -> (output: [UInt8], report: RemovalReport) {
        let (output, report) = try scrub(input, as: type)
        for sizes in [ChunkedByteSource.Sizes.fixed(1), .random(seed: 7)] {
            let (piecewise, piecewiseReport) = try scrub(input, as: type, chunkSizes: sizes)
            #expect(piecewise == output && piecewiseReport == report, "read in pieces \(sizes)")
        }
        let source = ISOBMFFArrivingTests.ArrivingSource(input)
        let sink = MemoryByteSink()
        #expect(try MediaScrubber.scrubber(for: type).scrub(from: source, to: sink) == report)
        #expect(sink.bytes == output && source.rewinds == 0)

        #expect(output.count <= input.count + 64)
        let inputView = try exiftool(input, ext: type.fileExtension, ["-a", "-u", "-ee", "-G1", "-j"])
        #expect(markers.contains { inputView.contains($0) }, "exiftool sees none of the planted metadata in the damaged input")
        let outputView = try exiftool(output, ext: type.fileExtension, ["-a", "-u", "-ee", "-G1", "-j"])
        #expect(markers.filter { outputView.contains($0) || G.contains(output, $0) } == [])
        let tagsJSON = try exiftool(output, ext: type.fileExtension, ["-j", "-a", "-G0:1", "-ee", "-u", "-n"])
        let tags = (try JSONSerialization.jsonObject(with: Data(tagsJSON.utf8)) as? [[String: Any]])?.first ?? [:]
        #expect(!tags.isEmpty && RIFFFamily.leaks(tags, iccIsLeak: true) == [])
        return (output, report)
    }

    /// exiftool's JSON view of `bytes` with `arguments`. It exits 1 with "File format error" on a file cut short, yet
    /// still reports what it read before the damage, so that exit is accepted when JSON came out.
    static func exiftool(_ bytes: [UInt8], ext: String, _ arguments: [String]) throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        let (output, status) = try Tool.runAnyStatus(Tool.exiftool!, arguments + [file.url.path])
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 || (status == 1 && text.hasPrefix("[{")) else { throw ToolFailure(command: "exiftool", status: status) }
        return text
    }

    // MARK: - JPEG

    /// A JPEG made by ImageMagick (progressive when asked) tagged by exiftool with Exif, GPS, XMP and a comment.
    static func taggedJPEG(_ prefix: String, progressive: Bool) throws -> (bytes: [UInt8], markers: [String]) {
        let directory = try G.WorkDirectory()
        let path = directory.path("tagged.jpg")
        try G.run(Tool.convert!, ["-size", "96x64", "plasma:fractal", "-seed", "5", "-quality", "90"]
            + (progressive ? ["-interlace", "JPEG"] : []) + [path])
        let markers = ["artist", "make", "xmp", "comment"].map { prefix + $0 }
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-Artist=\(markers[0])", "-Make=\(markers[1])",
                                   "-XMP:Creator=\(markers[2])", "-Comment=\(markers[3])", "-GPSLatitude=51.5",
                                   "-GPSLatitudeRef=N", path])
        return (try directory.read("tagged.jpg"), markers)
    }

    /// Each scan's entropy-coded data, from after its SOS header to the marker that ends it, found by walking the
    /// segments and the scan-data rule of ITU T.81 B.1.1.5 one byte at a time.
    static func scans(_ jpeg: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 2
        while index + 4 <= jpeg.count, jpeg[index] == 0xFF {
            let marker = jpeg[index + 1]
            if marker == 0xD9 { break }
            let end = index + 2 + (Int(jpeg[index + 2]) << 8 | Int(jpeg[index + 3]))
            index = end
            guard marker == 0xDA else { continue }
            while index + 1 < jpeg.count, jpeg[index] != 0xFF || [0x00, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7].contains(jpeg[index + 1]) {
                index += jpeg[index] == 0xFF ? 2 : 1
            }
            ranges.append(end..<index)
        }
        return ranges
    }

    /// `jpeg` with `bytes` inserted before the first header segment of `marker`, or after it.
    static func inserting(_ bytes: [UInt8], into jpeg: [UInt8], before marker: UInt8? = nil, after: UInt8? = nil) throws -> [UInt8] {
        let layout = try #require(JPEGLayout(jpeg))
        var result: [UInt8] = [0xFF, 0xD8]
        var inserted = false
        for segment in layout.headerSegments {
            if !inserted && segment.marker == marker { result += bytes; inserted = true }
            result += segment.bytes
            if !inserted && segment.marker == after { result += bytes; inserted = true }
        }
        #expect(inserted)
        return result + jpeg[layout.firstScanOffset...]
    }

    @Test("stray bytes after APP0, after APP2 and before DQT, and fill bytes, are skipped as libjpeg skips them",
          arguments: ["after APP0", "after APP2", "before DQT", "fill bytes", "stuffed pair"])
    func strayBytes(placement: String) throws {
        let prefix = G.markerPrefix("stray")
        let (clean, markers) = try Self.taggedJPEG(prefix, progressive: false)
        let stray = Array("stray" + prefix.suffix(9)).map { UInt8($0.asciiValue!) }
        let app2 = G.segment(0xE2, Array("MPF\0".utf8) + Array((prefix + "mpf").utf8))
        let damaged: [UInt8]
        let strayCount: Int
        switch placement {
        case "after APP0":
            damaged = try Self.inserting([0x00, 0x00], into: clean, after: 0xE0)
            strayCount = 2
        case "after APP2":
            damaged = try Self.inserting(app2 + stray, into: clean, before: 0xDB)
            strayCount = 14
        case "before DQT":
            damaged = try Self.inserting([0x0D, 0x0A], into: clean, before: 0xDB)
            strayCount = 2
        case "fill bytes":
            damaged = try Self.inserting([0xFF, 0xFF, 0xFF], into: clean, before: 0xDB)
            strayCount = 0
        default:
            damaged = try Self.inserting([0x41, 0xFF, 0x00, 0x42], into: clean, before: 0xC4)
            strayCount = 4
        }
        #expect(stray.count == 14)
        let (output, report) = try Self.clean(damaged, as: .jpeg, markers: markers + [prefix + "mpf", String(decoding: stray, as: UTF8.self)])
        #expect(report.keptAsReceivedAfter == nil)
        #expect(report.removed.first { $0.what == "stray bytes between JPEG segments" }?.bytes == (strayCount > 0 ? strayCount : nil))
        #expect(try output == scrub(clean, as: .jpeg).output)
        let (pixels, status) = try Self.decode(output, ext: "jpg")
        #expect(status == 0 && !pixels.isEmpty)
        #expect(try pixels == Self.decode(damaged, ext: "jpg").output)
        #expect(try pixels == Self.decode(clean, ext: "jpg").output)
    }

    @Test("a baseline or progressive JPEG cut inside its scan data is cleaned before the scan and kept as received in it",
          arguments: [false, true])
    func cutInsideScanData(progressive: Bool) throws {
        let prefix = G.markerPrefix("cut")
        let (original, markers) = try Self.taggedJPEG(prefix, progressive: progressive)
        let scans = Self.scans(original)
        #expect(progressive ? scans.count > 3 : scans.count == 1)
        var cuts: [(cut: Int, scan: Range<Int>)] = []
        for scan in Set([scans.first!, scans[scans.count / 2], scans.last!]).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            cuts += [1, 2, 3].map { (scan.lowerBound + scan.count * $0 / 4, scan) }
        }
        cuts.append((scans.last!.upperBound + 1, scans.last!))  // between EOI's 0xFF and its code
        for (cut, scan) in cuts {
            let damaged = Array(original.prefix(cut))
            let (output, report) = try Self.clean(damaged, as: .jpeg, markers: markers)
            #expect(report.keptAsReceivedAfter == scan.lowerBound, "cut at \(cut)")
            #expect(output.suffix(cut - scan.lowerBound).elementsEqual(damaged[scan.lowerBound...]), "cut at \(cut)")
            let (pixels, _) = try Self.decode(output, ext: "jpg")
            #expect(try !pixels.isEmpty && pixels == Self.decode(damaged, ext: "jpg").output, "cut at \(cut)")
        }
        guard progressive else { return }
        // Cut inside the second scan's SOS header: that segment is kept as received from its marker on.
        let sosStart = try #require(Data(original[..<scans[1].lowerBound]).range(of: Data([0xFF, 0xDA]), options: .backwards)).lowerBound
        let damaged = Array(original.prefix(scans[1].lowerBound - 1))
        let (output, report) = try Self.clean(damaged, as: .jpeg, markers: markers)
        #expect(report.keptAsReceivedAfter == sosStart)
        #expect(output.suffix(damaged.count - sosStart).elementsEqual(damaged[sosStart...]))
        #expect(try Self.decode(output, ext: "jpg").output == Self.decode(damaged, ext: "jpg").output)
    }

    @Test("a JPEG cut inside APP1, before the scan or between scans, is refused naming the segment")
    func cutInsideAPP1() throws {
        let (original, _) = try Self.taggedJPEG(G.markerPrefix("app1"), progressive: true)
        let app1 = try #require(JPEGLayout(original)?.headerSegments.first { $0.marker == 0xE1 })
        let app1Offset = try #require(Data(original).range(of: Data(app1.bytes))).lowerBound
        #expect(throws: ScrubError.truncated("inside JPEG segment 0xFFE1 at offset \(app1Offset)")) {
            try scrub(Array(original.prefix(app1Offset + 10)), as: .jpeg)
        }
        let betweenScans = Self.scans(original)[0].upperBound
        let exif = G.segment(0xE1, Array("Exif\0\0MM".utf8) + [UInt8](repeating: 0x41, count: 200))
        let damaged = Array(original[..<betweenScans]) + exif.prefix(100)
        #expect(throws: ScrubError.truncated("inside JPEG segment 0xFFE1 at offset \(betweenScans)")) { try scrub(damaged, as: .jpeg) }
    }

    // MARK: - PNG

    /// A PNG made by ImageMagick (gAMA, cHRM, bKGD, pHYs, tEXt, tIME) tagged by exiftool with an ICC profile (iCCP),
    /// XMP, Exif and text, its chunks in file order.
    static func taggedPNG(_ prefix: String) throws -> (bytes: [UInt8], markers: [String]) {
        let directory = try G.WorkDirectory()
        let path = directory.path("tagged.png")
        try G.run(Tool.convert!, ["-size", "64x48", "plasma:fractal", "-seed", "5", "-density", "72", "-units", "PixelsPerInch",
                                  "-set", "comment", prefix + "comment", path])
        let icc = G.iccProfile(dmnd: prefix + "dmnd", dmdd: prefix + "dmdd", desc: "Display", cprt: prefix + "cprt", padding: 64)
        try directory.write(icc, to: "profile.icc")
        let markers = ["comment", "artist", "xmp", "make", "dmnd", "dmdd", "cprt"].map { prefix + $0 }
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-ICC_Profile<=" + directory.path("profile.icc"),
                                   "-PNG:Artist=\(markers[1])", "-XMP:Creator=\(markers[2])", "-EXIF:Make=\(markers[3])", path])
        return (try directory.read("tagged.png"), markers)
    }

    /// The offset of each chunk of `png`.
    static func chunkOffsets(_ png: [UInt8]) throws -> [(type: String, offset: Int)] {
        var offset = 8
        return try #require(PNGChunk.parse(png)).map { chunk in
            defer { offset += chunk.data.count + 12 }
            return (chunk.type, offset)
        }
    }

    @Test("a bad CRC on an ancillary chunk drops that chunk, kept type or not", arguments: ["tEXt", "gAMA", "pHYs", "iCCP"])
    func badAncillaryCRC(type: String) throws {
        let prefix = G.markerPrefix("crc")
        let (original, markers) = try Self.taggedPNG(prefix)
        let chunks = try #require(PNGChunk.parse(original))
        let index = try #require(chunks.firstIndex { $0.type == type })
        var damagedChunks = chunks
        damagedChunks[index] = PNGChunk(type: type, data: chunks[index].data, storedCRC: chunks[index].storedCRC ^ 0x0100)
        let damaged = pngSignature + damagedChunks.flatMap(\.fileBytes)
        let (output, report) = try Self.clean(damaged, as: .png, markers: markers)
        #expect(report.keptAsReceivedAfter == nil)
        let label = type == "tEXt" ? "PNG text chunk tEXt" : "PNG chunk with a bad CRC, dropped (\(type))"
        #expect(report.removed.contains { $0.what == label })
        let outputChunks = try #require(PNGChunk.parse(output))
        #expect(!outputChunks.contains { $0.type == type } && outputChunks.allSatisfy(\.crcIsValid))
        let (pixels, status) = try Self.decode(output, ext: "png")
        #expect(status == 0 && !pixels.isEmpty)
        #expect(try pixels == Self.decode(damaged, ext: "png").output)
        #expect(try pixels == Self.decode(original, ext: "png").output)
    }

    @Test("a kept ancillary chunk longer than any of its type could be is dropped unread, whatever it hides")
    func oversizedAncillary() throws {
        let hidden = PNGChunk(type: "pHYs", data: Array(String(repeating: "someone's address; ", count: 300).utf8))
        let png = PNGSyntheticTests.png([PNGSyntheticTests.ihdr, hidden, PNGSyntheticTests.idat, PNGSyntheticTests.iend])
        let (output, report) = try scrub(png, as: .png, chunkSizes: .fixed(100))
        #expect(output == PNGSyntheticTests.png([PNGSyntheticTests.ihdr, PNGSyntheticTests.idat, PNGSyntheticTests.iend]))
        #expect(report.removed == [RemovedItem(what: "oversized PNG chunk, dropped (pHYs)", count: 1, bytes: hidden.data.count + 12)])
        #expect(report.keptAsReceivedAfter == nil)
    }

    @Test("a bad CRC on a critical chunk is refused, as libpng and ImageMagick refuse it", arguments: ["IHDR", "IDAT", "IEND"])
    func badCriticalCRC(type: String) throws {
        let (original, _) = try Self.taggedPNG(G.markerPrefix("crit"))
        let chunks = try #require(PNGChunk.parse(original))
        let index = try #require(chunks.firstIndex { $0.type == type })
        var damagedChunks = chunks
        damagedChunks[index] = PNGChunk(type: type, data: chunks[index].data, storedCRC: chunks[index].storedCRC ^ 1)
        let offset = try Self.chunkOffsets(original)[index].offset
        #expect(throws: ScrubError.malformed("the CRC of the PNG chunk \(type) at offset \(offset) does not match its contents")) {
            try scrub(pngSignature + damagedChunks.flatMap(\.fileBytes), as: .png)
        }
    }

    @Test("a PNG cut inside IDAT is kept as received from that IDAT; one cut in a chunk header after it loses that header")
    func cutInsideIDAT() throws {
        let prefix = G.markerPrefix("idat")
        let (original, markers) = try Self.taggedPNG(prefix)
        let offsets = try Self.chunkOffsets(original)
        let idat = try #require(offsets.first { $0.type == "IDAT" })
        let idatLength = try #require(PNGChunk.parse(original)?.first { $0.type == "IDAT" }).data.count
        for cut in [idat.offset + 8, idat.offset + 8 + idatLength / 3, idat.offset + 10 + idatLength] {
            let damaged = Array(original.prefix(cut))
            let (output, report) = try Self.clean(damaged, as: .png, markers: markers)
            #expect(report.keptAsReceivedAfter == idat.offset, "cut at \(cut)")
            #expect(output.suffix(cut - idat.offset).elementsEqual(damaged[idat.offset...]), "cut at \(cut)")
            #expect(try Self.decode(output, ext: "png") == Self.decode(damaged, ext: "png"), "cut at \(cut)")
        }
        // Cut three bytes into the chunk after IDAT: those bytes go; with an IEND added the image is whole.
        let next = try #require(offsets.first { $0.offset > idat.offset })
        let (output, report) = try Self.clean(Array(original.prefix(next.offset + 3)), as: .png, markers: markers)
        #expect(report.keptAsReceivedAfter == next.offset)
        #expect(report.removed.contains(RemovedItem(what: "unreadable data after the image", count: 1, bytes: 3)))
        let completed = output + PNGChunk(type: "IEND", data: []).fileBytes
        let (pixels, status) = try Self.decode(completed, ext: "png")
        #expect(try status == 0 && pixels == Self.decode(original, ext: "png").output)
    }

    @Test("a PNG cut inside a tEXt chunk after its image data is refused naming the chunk")
    func cutInsideText() throws {
        let text = PNGChunk(type: "tEXt", data: Array("Author\0someone who must not be found".utf8))
        let png = PNGSyntheticTests.png([PNGSyntheticTests.ihdr, PNGSyntheticTests.idat, text, PNGSyntheticTests.iend])
        let textOffset = 8 + PNGSyntheticTests.ihdr.data.count + 12 + PNGSyntheticTests.idat.data.count + 12
        #expect(throws: ScrubError.truncated("inside the PNG chunk tEXt at offset \(textOffset)")) {
            try scrub(Array(png.prefix(textOffset + 20)), as: .png)
        }
    }

    // MARK: - GIF

    /// An animated GIF of three frames made by ImageMagick, tagged by exiftool with XMP and a comment.
    static func taggedGIF(_ prefix: String) throws -> (bytes: [UInt8], markers: [String]) {
        let directory = try G.WorkDirectory()
        let path = directory.path("tagged.gif")
        try G.run(Tool.convert!, ["-size", "40x30", "-seed", "5", "plasma:fractal", "plasma:fractal", "plasma:fractal",
                                  "-loop", "0", "-set", "delay", "10", path])
        let markers = ["comment", "xmp"].map { prefix + $0 }
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-Comment=\(markers[0])", "-XMP:Creator=\(markers[1])", path])
        return (try directory.read("tagged.gif"), markers)
    }

    /// The blocks of a GIF by introducer and offset, with each image's data sub-blocks (from the LZW code size byte's
    /// successor to the terminator's end), walked from the GIF89a layout.
    static func gifBlocks(_ gif: [UInt8]) -> [(introducer: UInt8, offset: Int, data: Range<Int>?)] {
        func tableSize(_ flags: UInt8) -> Int { flags & 0x80 == 0 ? 0 : 3 << (Int(flags & 7) + 1) }
        func afterSubBlocks(_ start: Int) -> Int {
            var index = start
            while gif[index] != 0 { index += 1 + Int(gif[index]) }
            return index + 1
        }
        var blocks: [(UInt8, Int, Range<Int>?)] = []
        var index = 13 + tableSize(gif[10])
        while index < gif.count {
            let introducer = gif[index]
            switch introducer {
            case 0x2C:
                let dataStart = index + 10 + tableSize(gif[index + 9]) + 1
                let end = afterSubBlocks(dataStart)
                blocks.append((introducer, index, dataStart..<end))
                index = end
            case 0x21:
                blocks.append((introducer, index, nil))
                index = afterSubBlocks(index + 2)
            default:
                blocks.append((introducer, index, nil))
                return blocks
            }
        }
        return blocks
    }

    @Test("a GIF cut inside its last frame's data is kept as received from that frame's data")
    func cutInsideLastFrame() throws {
        let prefix = G.markerPrefix("gifcut")
        let (original, markers) = try Self.taggedGIF(prefix)
        let images = Self.gifBlocks(original).compactMap(\.data)
        #expect(images.count == 3)
        let last = images.last!
        for cut in [last.lowerBound + 1, last.lowerBound + last.count / 2, last.upperBound - 1] {
            let damaged = Array(original.prefix(cut))
            let (output, report) = try Self.clean(damaged, as: .gif, markers: markers)
            #expect(report.keptAsReceivedAfter == last.lowerBound, "cut at \(cut)")
            #expect(output.suffix(cut - last.lowerBound).elementsEqual(damaged[last.lowerBound...]), "cut at \(cut)")
            let (frames, _) = try Self.decode(output, ext: "gif")
            #expect(try !frames.isEmpty && frames == Self.decode(damaged, ext: "gif").output, "cut at \(cut)")
        }
    }

    @Test("a GIF without its trailer, or with garbage in its place, keeps every frame; garbage after the trailer goes")
    func trailer() throws {
        let prefix = G.markerPrefix("giftrail")
        let (original, markers) = try Self.taggedGIF(prefix)
        #expect(original.last == 0x3B)
        let (cleaned, _) = try scrub(original, as: .gif)
        let garbage = Array((prefix + "garbage").utf8)
        let frames = try RIFFFamily.frames(original, ext: "gif")

        let (noTrailer, noTrailerReport) = try Self.clean(Array(original.dropLast()), as: .gif, markers: markers)
        #expect(noTrailer == Array(cleaned.dropLast()))
        #expect(noTrailerReport.keptAsReceivedAfter == original.count - 1)
        #expect(try RIFFFamily.frames(noTrailer, ext: "gif") == frames)

        let (replaced, replacedReport) = try Self.clean(original.dropLast() + garbage, as: .gif, markers: markers + [prefix + "garbage"])
        #expect(replaced == Array(cleaned.dropLast()))
        #expect(replacedReport.keptAsReceivedAfter == original.count - 1)
        #expect(replacedReport.removed.contains(RemovedItem(what: "unreadable data after the image", count: 1, bytes: garbage.count)))
        #expect(try RIFFFamily.frames(replaced, ext: "gif") == frames)

        let (after, afterReport) = try Self.clean(original + garbage, as: .gif, markers: markers + [prefix + "garbage"])
        #expect(after == cleaned)
        #expect(afterReport.keptAsReceivedAfter == nil)
        #expect(afterReport.removed.contains(RemovedItem(what: "data after the GIF trailer", count: 1, bytes: garbage.count)))
    }

    @Test("a GIF cut inside a comment extension, before or after an image, is refused naming the extension")
    func cutInsideComment() throws {
        let (original, _) = try Self.taggedGIF(G.markerPrefix("gifcom"))
        let comment = try #require(Self.gifBlocks(original).first { $0.introducer == 0x21 && original[$0.offset + 1] == 0xFE })
        #expect(throws: ScrubError.truncated("inside the GIF extension at offset \(comment.offset)")) {
            try scrub(Array(original.prefix(comment.offset + 5)), as: .gif)
        }
        let synthetic = GIFScrubberTests.header + GIFScrubberTests.image
        let commentAfterImage: [UInt8] = [0x21, 0xFE] + GIFScrubberTests.subBlocks(Array("someone's name".utf8))
        #expect(throws: ScrubError.truncated("inside the GIF extension at offset \(synthetic.count)")) {
            try scrub(synthetic + commentAfterImage.prefix(8), as: .gif)
        }
    }

    // MARK: - Report

    @Test("keptAsReceivedAfter survives JSON, and a report written before it existed still decodes")
    func reportCoding() throws {
        let damaged = RemovalReport(mediaType: .jpeg, keptAsReceivedAfter: 1234)
        #expect(try JSONDecoder().decode(RemovalReport.self, from: JSONEncoder().encode(damaged)) == damaged)
        let old = try JSONEncoder().encode(RemovalReport(mediaType: .png, removed: [RemovedItem(what: "x", count: 1, bytes: 2)]))
        #expect(!String(decoding: old, as: UTF8.self).contains("keptAsReceivedAfter"))
        #expect(try JSONDecoder().decode(RemovalReport.self, from: old).keptAsReceivedAfter == nil)
    }
}
