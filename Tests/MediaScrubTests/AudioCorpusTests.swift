import Foundation
import Testing
@testable import MediaScrub

@Suite("Audio scrubbers on the sample corpus", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct AudioCorpusTests {
    static func ext(_ path: String) -> String { String(path.split(separator: ".").last!) }
    /// Files too damaged for ffmpeg to read at all (exiftool's test files have their audio cut off).
    static let undecodable: Set<String> = ["exiftool/t/images/MP3.mp3", "exiftool/t/images/Vorbis.ogg"]

    @Test("sniffs the right type", arguments: Corpus.audioFiles)
    func sniffs(path: String) throws {
        let expected: MediaType = switch Self.ext(path) {
        case "mp3": .mp3
        case "flac": .flac
        case "ogg": .ogg
        default: .opus
        }
        #expect(MediaSniffer.sniff(try Corpus.bytes(path).prefix(64)) == expected)
    }

    @Test("leaves no identifying tag for exiftool to find", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.audioFiles)
    func exiftoolFindsNoLeak(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, report) = try scrub(original)
        #expect(!report.isEmpty)
        #expect(try AudioLeak.find(original, ext: Self.ext(path)) != [])
        #expect(try AudioLeak.find(cleaned, ext: Self.ext(path)) == [])
    }

    @Test("leaves none of the original tag values in its bytes", .enabled(if: Tool.exiftool != nil, "exiftool not installed"),
          arguments: Corpus.audioFiles)
    func noTagValueBytes(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let values = try AudioLeak.identifyingStrings(original, ext: Self.ext(path))
        #expect(!values.isEmpty)
        for value in values {
            #expect(!cleaned.contains(bytes: Array(value.utf8)), "\(value) is still in the cleaned \(path)")
        }
    }

    @Test("decodes the same (ffmpeg stream hash and PCM MD5)", .enabled(if: FFmpeg.path != nil, "ffmpeg not installed"),
          arguments: Corpus.audioFiles.filter { !undecodable.contains($0) })
    func decodesTheSame(path: String) throws {
        let original = try Corpus.bytes(path)
        let (cleaned, _) = try scrub(original)
        let ext = Self.ext(path)
        // MP3 frames lose their ancillary bits (LAME's version), so only their decoded samples stay the same.
        if ext != "mp3" { #expect(try FFmpeg.packetHash(cleaned, ext: ext) == FFmpeg.packetHash(original, ext: ext)) }
        #expect(try FFmpeg.pcmHash(cleaned, ext: ext) == FFmpeg.pcmHash(original, ext: ext))
    }

    @Test("is idempotent", arguments: Corpus.audioFiles)
    func idempotent(path: String) throws {
        let (first, firstReport) = try scrub(try Corpus.bytes(path))
        let (second, report) = try scrub(first)
        let unchanged = second == first
        #expect(unchanged)
        #expect(report == RemovalReport(mediaType: firstReport.mediaType))
    }

    @Test("reads one byte at a time and in ragged pieces with the same result", arguments: Corpus.audioFiles)
    func streaming(path: String) throws {
        let original = try Corpus.bytes(path)
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        let whole = try scrub(original, as: type)
        let ragged = try scrub(original, as: type, chunkSizes: .random(seed: 7))
        let raggedSame = ragged.output == whole.output
        #expect(raggedSame && ragged.report == whole.report)
        if original.count < 40_000 {
            let bytewise = try scrub(original, as: type, chunkSizes: .fixed(1))
            let bytewiseSame = bytewise.output == whole.output
            #expect(bytewiseSame && bytewise.report == whole.report)
        }
    }

    @Test("survives truncation and byte flips with a clean result or a ScrubError, quickly", arguments: Corpus.audioFiles)
    func mutations(path: String) throws {
        let original = try Corpus.bytes(path)
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        var random = SplitMix64(seed: 42)
        var cases: [[UInt8]] = []
        let step = max(1, original.count / 60)
        for cut in stride(from: 0, to: original.count, by: step) { cases.append(Array(original.prefix(cut))) }
        for cut in [1, 2, 3, 4, 10, 27, 28, 42, 128, 129] where cut < original.count { cases.append(Array(original.dropLast(cut))) }
        for _ in 0..<120 {
            var mutated = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                mutated[Int(random.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            cases.append(mutated)
        }
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for bytes in cases {
                do {
                    _ = try scrub(bytes, as: type)
                } catch is ScrubError {
                    continue
                }
            }
        }
        #expect(elapsed < .seconds(30))
    }

    @Test("blanks the LAME version in dirty.mp3 and keeps its Info frame")
    func lameVersion() throws {
        let original = try Corpus.bytes("mat2/tests/data/dirty.mp3")
        let (cleaned, report) = try scrub(original)
        #expect(original.contains(bytes: Array("LAME3.99r".utf8)))
        #expect(!cleaned.contains(bytes: Array("LAME3.99r".utf8)) && cleaned.contains(bytes: Array("LAME     ".utf8)))
        #expect(cleaned.contains(bytes: Array("Info".utf8)))
        #expect(cleaned.count == original.count - 211)
        #expect(report.removed.contains { $0.what == "encoder version in the Xing/Info (LAME) frame" })
    }
}
