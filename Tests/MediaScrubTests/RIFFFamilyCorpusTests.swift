import Foundation
import Testing
@testable import MediaScrub

@Suite("GIF, WebP, WAV and AIFF scrubbers on the sample corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct RIFFFamilyCorpusTests {
    @Test("leaves no identifying tag for exiftool to find", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: RIFFFamily.allFiles)
    func exiftoolFindsNoLeak(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = RIFFFamily.ext(path)
        let before = try Tool.exiftoolTags(original, ext: ext)
        let after = try Tool.exiftoolTags(cleaned, ext: ext)
        #expect(after["File:FileType"] as? String == before["File:FileType"] as? String)
        #expect(RIFFFamily.leaks(after, iccIsLeak: true) == [])
        #expect(after.keys.filter { $0.hasPrefix("ExifTool:") && $0 != "ExifTool:ExifToolVersion" } == [])
    }

    @Test("leaves none of the original's identifying strings in the bytes", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: RIFFFamily.allFiles)
    func noIdentifyingBytes(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = RIFFFamily.ext(path)
        for value in try RIFFFamily.identifyingStrings(original, ext: ext, iccIsLeak: true) {
            let found = RIFFFamily.contains(cleaned, Array(value.utf8))
            #expect(!found, "\(value) still in \(path)")
        }
    }

    @Test("decodes to the same frames (ImageMagick)", .enabled(if: Tool.convert != nil, "ImageMagick convert not installed"),
          arguments: RIFFFamily.gifFiles + RIFFFamily.webpFiles)
    func samePixels(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = RIFFFamily.ext(path)
        let before = try RIFFFamily.frames(original, ext: ext)
        let after = try RIFFFamily.frames(cleaned, ext: ext)
        #expect(!after.isEmpty && before == after)
    }

    @Test("decodes to the same audio (ffmpeg)", .enabled(if: RIFFFamily.ffmpeg != nil, "ffmpeg not installed"),
          arguments: RIFFFamily.wavFiles + RIFFFamily.aiffFiles)
    func sameAudio(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = RIFFFamily.ext(path)
        #expect(try RIFFFamily.audioHashes(cleaned, ext: ext) == RIFFFamily.audioHashes(original, ext: ext))
    }

    @Test("is idempotent and reads the same in ragged pieces", arguments: RIFFFamily.allFiles)
    func idempotentAndStreaming(path: String) throws {
        let original = try Corpus.bytes(path)
        let (first, report) = try scrub(original)
        let (second, again) = try scrub(first)
        let unchanged = second == first
        #expect(unchanged)
        #expect(again == RemovalReport(mediaType: report.mediaType))
        let bytewise = try scrub(original, as: report.mediaType, chunkSizes: original.count < 100_000 ? .fixed(1) : .fixed(7))
        let ragged = try scrub(original, as: report.mediaType, chunkSizes: .random(seed: 5))
        let sameBytewise = bytewise.output == first, sameRagged = ragged.output == first
        #expect(sameBytewise && bytewise.report == report)
        #expect(sameRagged && ragged.report == report)
        let droppedBytes = report.removed.filter { !$0.what.hasPrefix("ICC profile identifying fields") }.reduce(0) { $0 + $1.bytes }
        #expect(first.count + droppedBytes == original.count)
    }

    @Test("finishes quickly with a result or a clear error on truncations and byte flips", arguments: RIFFFamily.allFiles)
    func mutations(path: String) throws {
        let original = try Corpus.bytes(path)
        let clock = ContinuousClock()
        let start = clock.now
        var random = SplitMix64(seed: 0xC0FFEE)
        var cuts = Set((0..<min(original.count, 300)).map { $0 })
        for _ in 0..<100 { cuts.insert(Int(random.next() % UInt64(original.count))) }
        var mutants = cuts.sorted().map { Array(original.prefix($0)) }
        for _ in 0..<150 {
            var flipped = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let index = Int(random.next() % UInt64(min(flipped.count, 4096)))
                flipped[index] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
            }
            mutants.append(flipped)
        }
        for mutant in mutants {
            do {
                _ = try scrub(mutant)
            } catch let error as ScrubError {
                #expect(!error.description.isEmpty)
            }
        }
        #expect(clock.now - start < .seconds(60))
    }
}

@Suite("What the GIF, WebP, WAV and AIFF scrubbers report on the corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct RIFFFamilyReportTests {
    @Test("reports the metadata each sample carries", arguments: [
        ("exiftool/t/images/GIF.gif", ["GIF XMP application extension", "GIF ICC profile application extension", "GIF comment extension"]),
        ("exiftool/t/images/RIFF.webp", ["WebP Exif chunk EXIF", "WebP XMP chunk XMP "]),
        ("mat2/tests/data/dirty.wav", ["WAV LIST chunk (INFO tags or labels)", "WAV ID3 chunk id3 "]),
        ("exiftool/t/images/RIFF.wav", ["WAV LIST chunk (INFO tags or labels)"]),
        ("mat2/tests/data/dirty.aiff", ["AIFF text chunk NAME", "AIFF text chunk ANNO"]),
    ])
    func reports(path: String, expected: [String]) throws {
        let (_, report) = try scrub(try Corpus.bytes(path))
        let labels = Set(report.removed.map(\.what))
        #expect(Set(expected).isSubset(of: labels), "\(path): \(report.removed)")
    }
}

@Suite("Sniffing GIF, WebP, WAV and AIFF")
struct RIFFFamilySniffTests {
    @Test("recognises each by its magic bytes and form type, and nothing close to them")
    func sniff() {
        #expect(MediaSniffer.sniff(Array("GIF87a".utf8)) == .gif)
        #expect(MediaSniffer.sniff(Array("GIF89a\u{1}\0".utf8)) == .gif)
        #expect(MediaSniffer.sniff(Array("RIFF\u{4}\0\0\0WEBPVP8L".utf8)) == .webp)
        #expect(MediaSniffer.sniff(Array("RIFF\u{4}\0\0\0WAVEfmt ".utf8)) == .wav)
        #expect(MediaSniffer.sniff(Array("FORM\0\0\0\u{4}AIFF".utf8)) == .aiff)
        #expect(MediaSniffer.sniff(Array("FORM\0\0\0\u{4}AIFC".utf8)) == .aiff)
        for other in ["GIF88a", "RIFF\0\0\0\0AVIX", "RIFF\0\0\0\0WEB", "RF64\0\0\0\0WAVE", "FORM\0\0\0\u{4}8SVX", "BW64\0\0\0\0WAVE"] {
            #expect(MediaSniffer.sniff(Array(other.utf8)) == nil, "\(other)")
        }
    }
}
