import Foundation
import Testing
@testable import MediaScrub

@Suite("AVI scrubber on crafted and generated files")
struct AVIScrubberTests {
    static let tools: Bool = RIFFFamily.ffmpeg != nil && AVIFixture.ffprobe != nil && Tool.exiftool != nil

    @Test("a dashcam layout: metadata becomes zeroed JUNK of the same size, the GPS text stream is zeroed in place, the rest kept",
          arguments: [
            ChunkedByteSource.Sizes.whole, .fixed(3), .random(seed: 22),
        ])
    func dashcamLayout(sizes: ChunkedByteSource.Sizes) throws {
        let input = AVIFixture.dashcam()
        let (output, report) = try scrub(input, as: .avi, chunkSizes: sizes)
        #expect(output.count == input.count)
        #expect(output == AVIFixture.dashcam(cleaned: true))
        #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)))
        #expect(report.removed.map(\.what) == [
            "unused bytes in AVI headers", "maker data (strd)", "stream name (strn)", "GPS or text stream (txts)", "date (IDIT)",
            "timecode (ISMP)", "maker data hidden in JUNK", "Exif list (LIST exif)", "Pentax maker data (LIST hydt)",
            "GPS or sensor chunk (gps0)", "AVI info list (LIST INFO)", "AVI chunk ISFT",
        ])
        #expect(report.removed.first { $0.what == "GPS or text stream (txts)" }?.count == 1 + 6)
    }

    @Test("the crafted dashcam file: exiftool finds no planted value, ffmpeg decodes the same media, ffprobe reads it",
          .enabled(if: tools, "ffmpeg, ffprobe or exiftool not installed"))
    func dashcamOracles() throws {
        let input = AVIFixture.dashcam()
        #expect(Set(try AVIFixture.plantedValues(in: input)) == Set(AVIFixture.planted))
        let (output, _) = try scrub(input)
        #expect(output.count == input.count)
        #expect(try AVIFixture.plantedValues(in: output) == [])
        #expect(try AVIFixture.mediaHash(output) == AVIFixture.mediaHash(input))
        let streams = try AVIFixture.probe(output)
        #expect(streams.contains("rawvideo,video") && streams.contains("pcm_u8,audio"), "\(streams)")
    }

    @Test("files written by ffmpeg, with dashcam chunks put in the space of its JUNK chunks and an INFO list after idx1",
          .enabled(if: tools, "ffmpeg, ffprobe or exiftool not installed"),
          arguments: [["-c:v", "mjpeg", "-c:a", "pcm_s16le"], ["-c:v", "mpeg4", "-c:a", "libmp3lame"]])
    func generated(codecs: [String]) throws {
        let directory = try RIFFFamily.Directory()
        let file = directory.path("a.avi")
        try RIFFFamily.make(RIFFFamily.ffmpeg, [
            "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-f", "lavfi", "-i", "sine=duration=1",
            "-map", "0", "-map", "1",
        ] + codecs + [
            "-metadata", "title=MARKER-title", "-metadata", "artist=MARKER-artist", "-metadata", "comment=MARKER-comment",
            "-metadata", "copyright=MARKER-copyright", "-metadata", "date=2024-05-06", "-metadata", "creation_time=2024-05-06T07:08:09Z",
            "-metadata:s:v", "title=MARKER-stream", "-f", "avi", file,
        ])
        let original = AVIFixture.withDashcamChunks(try directory.bytes("a.avi"))
        let before = try AVIFixture.exiftoolListing(original)
        for value in ["MARKER-title", "MARKER-stream", "PENTAX", "K-5 4012345", "2024", "MARKER-after"] {
            #expect(before.contains(value), "exiftool does not show \(value) in the original")
        }
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .avi)
        #expect(cleaned.count == original.count)
        #expect(try AVIFixture.plantedValues(in: cleaned) == [])
        #expect(!RIFFFamily.contains(cleaned, Array("Lavf".utf8)))
        if codecs.contains("mjpeg") { #expect(!RIFFFamily.contains(cleaned, Array("Lavc".utf8)), "the encoder's JPEG comment stays") }
        #expect(try AVIFixture.mediaHash(cleaned) == AVIFixture.mediaHash(original))
        #expect(try AVIFixture.probe(cleaned) == AVIFixture.probe(original))
        for label in ["AVI info list (LIST INFO)", "stream name (strn)", "maker data (strd)", "date (IDIT)", "maker data hidden in JUNK"] {
            #expect(report.removed.contains { $0.what == label }, "no \(label) in \(report.removed.map(\.what))")
        }
    }

    @Test("keeps indexes, rec lists and palette changes byte for byte; zeroes reserved fields, chunks of other streams, a second hdrl")
    func indexesAndRecords() throws {
        let le32 = AVIFixture.le32
        func zeroed(_ chunk: [UInt8]) -> [UInt8] { Array(chunk[0..<8]) + [UInt8](repeating: 0, count: chunk.count - 8) }
        func input(cleaned: Bool) -> [UInt8] {
            let dmlh = testChunk("dmlh", le32(2) + (cleaned ? [UInt8](repeating: 0, count: 244) : Array(repeating: 0x41, count: 244)))
            let hdrl = AVIFixture.list("hdrl", [
                testChunk("avih", [UInt8](repeating: 3, count: 40) + [UInt8](repeating: 0, count: 16)),
                AVIFixture.list("strl", [AVIFixture.strh("vids", rate: 1, sampleSize: 0, length: 2), testChunk("strf", [1, 2, 3, 4]),
                                         testChunk("indx", [4, 0, 0, 0] + le32(1) + Array("00dc".utf8) + le32(0)),
                                         testChunk("vprp", [9, 8, 7, 6])]),
                // Two stream headers in one list are two streams, as ffmpeg counts them: 01 is text, 02 audio.
                AVIFixture.list("strl", [
                    AVIFixture.strh("txts", rate: 1, sampleSize: 0, length: 2), AVIFixture.strh("auds", rate: 1, sampleSize: 1, length: 2),
                ]),
                AVIFixture.list("odml", [dmlh]),
            ])
            let secondHeader = AVIFixture.list("hdrl", [AVIFixture.list("strl", [AVIFixture.strh("auds", rate: 1, sampleSize: 1, length: 2)])])
            let text = testChunk("01dc", Array("MARKER-text".utf8))
            let nonMedia = testChunk("02tx", Array("MARKER-tx".utf8))
            let undeclared = testChunk("05dc", Array("MARKER-05".utf8))
            let movi = AVIFixture.list("movi", [
                testChunk("ix00", [2, 0, 0, 1] + le32(1) + Array("00dc".utf8) + [UInt8](repeating: 5, count: 12)),
                testChunk("02ix", [2, 0, 0, 1]),
                AVIFixture.list("rec ", [testChunk("00dc", [10, 11, 12]), testChunk("02wb", [13, 14])]),
                testChunk("00pc", [0, 1, 0, 0]), cleaned ? zeroed(text) : text, cleaned ? zeroed(nonMedia) : nonMedia,
                cleaned ? zeroed(undeclared) : undeclared,
            ])
            return testContainer("RIFF", "AVI ", [
                hdrl, cleaned ? AVIFixture.junk(as: secondHeader) : secondHeader, movi,
                testChunk("idx1", Array("00dc".utf8) + le32(0x10) + le32(4) + le32(3)),
            ])
        }
        let (output, report) = try scrub(input(cleaned: false), as: .avi, chunkSizes: .fixed(5))
        #expect(output == input(cleaned: true))
        #expect(report.removed.map(\.what) == [
            "unused bytes in AVI headers", "second AVI header list (LIST hdrl)", "GPS or text stream (txts)", "GPS or text chunk (##tx)",
            "chunks of an undeclared AVI stream",
        ])
    }

    @Test("Motion JPEG frames that carry Exif, GPS and comments (JPEG files muxed by ffmpeg unchanged) lose them, pixels unchanged",
          .enabled(if: tools && Tool.convert != nil, "ffmpeg, ffprobe, exiftool or ImageMagick not installed"))
    func motionJPEGFrames() throws {
        let directory = try RIFFFamily.Directory()
        for (index, gradient) in ["gradient:red-blue", "gradient:green-yellow", "plasma:"].enumerated() {
            try RIFFFamily.make(Tool.convert, ["-size", "32x24", "-seed", "3", gradient, "-quality", "90", directory.path("f\(index + 1).jpg")])
        }
        try RIFFFamily.make(Tool.exiftool, [
            "-q", "-overwrite_original", "-Make=MARKER-make", "-Model=MARKER-model", "-SerialNumber=MARKER-serial", "-GPSLatitude=51.5",
            "-GPSLatitudeRef=N", "-XMP:Creator=MARKER-creator", "-Comment=MARKER-comment", directory.path("f1.jpg"), directory.path("f2.jpg"),
            directory.path("f3.jpg"),
        ])
        try RIFFFamily.make(RIFFFamily.ffmpeg, ["-v", "error", "-framerate", "10", "-i", directory.path("f%d.jpg"), "-c:v", "copy", "-f", "avi",
                                                directory.path("m.avi")])
        let original = try directory.bytes("m.avi")
        #expect(RIFFFamily.contains(original, Array("MARKER-serial".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(cleaned.count == original.count)
        #expect(!RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        #expect(report.removed.first { $0.what == "metadata in Motion JPEG frames (APPn, COM)" }?.count == 3)
        let file = try TemporaryFile(cleaned, ext: "avi"), before = try TemporaryFile(original, ext: "avi")
        let hash = { (path: String) in try Tool.run(RIFFFamily.ffmpeg!, ["-v", "error", "-i", path, "-map", "0:v", "-f", "streamhash", "-"]) }
        #expect(try hash(file.url.path) == hash(before.url.path))
        #expect(try AVIFixture.probe(cleaned) == AVIFixture.probe(original))
    }

    @Test("an odd chunk's pad byte is zeroed; an odd media chunk keeps its payload")
    func oddSizes() throws {
        let input = testContainer("RIFF", "AVI ", [
            AVIFixture.list("hdrl", [AVIFixture.list("strl", [AVIFixture.strh("vids", rate: 1, sampleSize: 0, length: 1)]),
                                     Array("strn".utf8) + AVIFixture.le32(3) + Array("abc".utf8) + [0x5A]]),
            AVIFixture.list("movi", [Array("00dc".utf8) + AVIFixture.le32(3) + [1, 2, 3, 0x5A]]),
        ])
        let (output, _) = try scrub(input, as: .avi)
        let strn = AVIFixture.chunks(output).first { $0.type == "JUNK" }!.offset
        #expect(Array(output[strn..<(strn + 12)]) == Array("JUNK".utf8) + AVIFixture.le32(3) + [0, 0, 0, 0])
        #expect(Array(output.suffix(12)) == Array("00dc".utf8) + AVIFixture.le32(3) + [1, 2, 3, 0])
    }

    @Test("refuses a file that is not RIFF AVI, has no header list, or puts movie data before it")
    func refuses() {
        #expect(throws: ScrubError.malformed("the AVI file does not start with a RIFF header of form type AVI")) {
            try scrub(testContainer("RIFF", "WAVE", []), as: .avi)
        }
        #expect(throws: ScrubError.malformed("the AVI file has no header list (LIST hdrl)")) {
            try scrub(testContainer("RIFF", "AVI ", [testChunk("JUNK", [1, 2])]), as: .avi)
        }
        #expect(throws: ScrubError.malformed("the AVI movie data (LIST movi) at offset 12 comes before the header list (LIST hdrl)")) {
            try scrub(testContainer("RIFF", "AVI ", [AVIFixture.list("movi", []), AVIFixture.list("hdrl", [])]), as: .avi)
        }
        #expect(throws: ScrubError.malformed("the AVI RIFF size 2 is smaller than its form type")) {
            try scrub(Array("RIFF".utf8) + AVIFixture.le32(2) + Array("AVI ".utf8), as: .avi)
        }
    }

    @Test("every cut of the dashcam file is cleaned to its full length without a planted value, or refused")
    func truncated() throws {
        let input = AVIFixture.dashcam(frames: 2)
        for length in stride(from: 0, through: input.count, by: 7) {
            let cut = Array(input.prefix(length))
            do {
                let (output, _) = try scrub(cut, as: .avi)
                #expect(output.count == cut.count)
                #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)), "cut at \(length)")
            } catch let error as ScrubError {
                #expect(length < 24 && error != .unsupportedType, "cut at \(length): \(error)")
            }
        }
    }

    @Test("sizes past the end, past their list, or random never crash, and the output keeps the input's length")
    func hostileSizes() throws {
        let input = AVIFixture.dashcam(frames: 2)
        let sizeFields = AVIFixture.chunks(input).map { $0.offset + 4 }
        var random = SplitMix64(seed: 5)
        for field in sizeFields {
            for value in [0xFFFF_FFFF, 0x7FFF_FFFF, 0, 1, 3, Int(random.next() % 4096)] {
                var mutated = input
                mutated.replaceSubrange(field..<(field + 4), with: AVIFixture.le32(value))
                do {
                    let (output, _) = try scrub(mutated, as: .avi, chunkSizes: .random(seed: UInt64(field)))
                    #expect(output.count == mutated.count)
                } catch is ScrubError {}
            }
        }
    }

    @Test("a bomb of nested lists is cleaned in one pass: unknown lists are not entered, rec lists stop at a depth")
    func nestingBombs() throws {
        let depth = 20_000
        var nestedRecords: [UInt8] = testChunk("00dc", [7])
        var nestedUnknown: [UInt8] = testChunk("IART", Array("MARKER".utf8))
        for _ in 0..<depth {
            nestedRecords = AVIFixture.list("rec ", [nestedRecords])
            nestedUnknown = AVIFixture.list("wxyz", [nestedUnknown])
        }
        let input = testContainer("RIFF", "AVI ", [
            AVIFixture.list("hdrl", [AVIFixture.list("strl", [AVIFixture.strh("vids", rate: 1, sampleSize: 0, length: 1)])]),
            nestedUnknown, AVIFixture.list("movi", [nestedRecords]),
        ])
        let (output, report) = try scrub(input, as: .avi)
        #expect(output.count == input.count)
        #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)))
        #expect(report.removed.map(\.what) == ["AVI list LIST wxyz", "AVI rec lists nested too deep"])
        #expect(report.removed.allSatisfy { $0.count == 1 })
    }

    @Test("a million tiny chunks are cleaned in one pass", .timeLimit(.minutes(1)))
    func millionChunks() throws {
        let tiny = testChunk("00dc", []) + testChunk("JUNK", []) + testChunk("01tx", []) + testChunk("zzzz", [])
        let input = testContainer("RIFF", "AVI ", [
            AVIFixture.list("hdrl", [AVIFixture.list("strl", [AVIFixture.strh("vids", rate: 1, sampleSize: 0, length: 1)])]),
            AVIFixture.list("movi", Array(repeating: tiny, count: 250_000)),
        ])
        let (output, report) = try scrub(input, as: .avi)
        #expect(output.count == input.count)
        #expect(report.removed.map(\.what) == ["chunks of an undeclared AVI stream", "AVI chunk zzzz"])
        #expect(report.removed.map(\.count) == [250_000, 250_000])
    }

    @Test("is sniffed from RIFF … AVI and registered")
    func sniffed() throws {
        #expect(MediaSniffer.sniff(Array("RIFF\0\0\0\0AVI LIST".utf8)) == .avi)
        #expect(MediaSniffer.sniff(Array("RIFF\0\0\0\0AVIX".utf8)) == nil)
        #expect(MediaScrubber.scrubber(for: .avi) is AVIScrubber)
        #expect(MediaType.avi.mimeType == "video/x-msvideo" && MediaType.avi.fileExtension == "avi" && MediaType.avi.displayName == "AVI video")
        #expect(try scrub(AVIFixture.dashcam()).report.mediaType == .avi)
    }
}
