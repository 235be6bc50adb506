import Foundation
@testable import MediaScrub
import Testing

/// The ISO BMFF scrubber reading a file while it arrives: media data before the index is streamed out at once, on
/// the bet that the index removes nothing inside it; a lost bet starts the output over from two passes.
@Suite("ISO BMFF while the file arrives")
struct ISOBMFFArrivingTests {
    /// Records what the scrubber asked of the source.
    final class ArrivingSource: ArrivingByteSource {
        private let inner: RaggedRewindableSource
        private(set) var rewinds = 0
        private(set) var forgone = false

        init(_ bytes: [UInt8]) { inner = RaggedRewindableSource(bytes, seed: 3) }
        func read(maxLength: Int) throws -> [UInt8] { try inner.read(maxLength: maxLength) }
        func rewind() throws {
            #expect(!forgone, "rewind after forgoRewind")
            rewinds += 1
            inner.rewind()
        }
        func forgoRewind() { forgone = true }
    }

    /// A memory sink that counts its restarts and how much it had been given before each.
    final class RestartableSink: RestartableByteSink {
        private(set) var bytes: [UInt8] = []
        private(set) var dropped: [Int] = []
        func write(_ piece: ArraySlice<UInt8>) throws { bytes += piece }
        func restart() throws {
            dropped.append(bytes.count)
            bytes = []
        }
    }

    static func scrubArriving(_ original: [UInt8]) throws -> (output: [UInt8], report: RemovalReport, source: ArrivingSource, sink: RestartableSink) {
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        let (source, sink) = (ArrivingSource(original), RestartableSink())
        let report = try MediaScrubber.scrubber(for: type).scrub(from: source, to: sink)
        return (sink.bytes, report, source, sink)
    }

    /// True when the first moov or meta comes after the first mdat.
    static func indexLast(_ bytes: [UInt8]) -> Bool {
        let boxes = ISOOracle.topLevel(bytes) ?? []
        guard let mdat = boxes.firstIndex(where: { $0.type == "mdat" }) else { return false }
        return !boxes[..<mdat].contains { $0.type == "moov" || $0.type == "meta" }
    }

    @Test("the same output and report as two passes over the whole file, for every ISO BMFF file of the corpus",
          .enabled(if: Corpus.isAvailable, "corpus not found"), arguments: Corpus.isobmffFiles)
    func sameAsTwoPasses(path: String) throws {
        let original = try Corpus.bytes(path)
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        let expected = MemoryByteSink()
        let expectedReport: RemovalReport
        do {
            expectedReport = try MediaScrubber.scrubber(for: type).scrub(from: RaggedRewindableSource(original, seed: 1), to: expected)
        } catch {
            #expect(throws: ScrubError.self) { try Self.scrubArriving(original) }
            return
        }
        let arriving = try Self.scrubArriving(original)
        let sameOutput = arriving.output == expected.bytes
        #expect(sameOutput && arriving.report == expectedReport)
        if Self.indexLast(original) {
            // Either the bet held (one pass, never rewound) or the output started over once and two passes followed.
            #expect(arriving.source.rewinds == 2 * arriving.sink.dropped.count && arriving.sink.dropped.count <= 1)
            #expect(!arriving.source.forgone)
        } else {
            #expect(arriving.source.rewinds == 0 && arriving.sink.dropped.isEmpty)
        }
    }

    /// ffmpeg's output for `arguments`, with a title; ffmpeg writes the index after the media data.
    static func movie(_ name: String, _ arguments: [String]) throws -> [UInt8] {
        let scratch = try TemporaryFile([], ext: "txt")
        let path = scratch.url.deletingLastPathComponent().appendingPathComponent(name).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Tool.run(ISOOracle.ffmpeg!, ["-v", "error", "-y"] + arguments + ["-metadata", "title=MARKERtitle", path])
        return withExtendedLifetime(scratch) { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()) }
    }

    @Test("index last with nothing to zero: one pass; index last with a removed track: the output starts over",
          .enabled(if: ISOOracle.ffmpeg != nil, "ffmpeg not installed"))
    func betWonAndLost() throws {
        let video = ISOBMFFGeneratedTests.video
        let plain = try Self.movie("bet-won.mp4", video)
        let plainIndexLast = Self.indexLast(plain)
        #expect(plainIndexLast)
        let won = try Self.scrubArriving(plain)
        #expect(won.source.rewinds == 0 && won.sink.dropped.isEmpty, "nothing to zero: one pass")
        let markerLeft = ISOOracle.contains(won.output, Array("MARKER".utf8))
        #expect(!markerLeft)

        // A timecode track is removed, and its samples in the media data are zeroed: that needs the index first.
        let timecoded = try Self.movie("bet-lost.mov", video + ["-timecode", "01:02:03:04"])
        let timecodedIndexLast = Self.indexLast(timecoded)
        #expect(timecodedIndexLast)
        let lost = try Self.scrubArriving(timecoded)
        #expect(lost.sink.dropped.count == 1 && lost.source.rewinds == 2, "dropped \(lost.sink.dropped), rewinds \(lost.source.rewinds)")
        #expect(lost.sink.dropped.first ?? 0 > 0, "media data was streamed before the index")
        #expect(lost.report.removed.contains { $0.what == "timed metadata or timecode track (tmcd)" })
        let twoPasses = MemoryByteSink()
        _ = try MediaScrubber.scrubber(for: .mov).scrub(from: RaggedRewindableSource(timecoded, seed: 2), to: twoPasses)
        let same = lost.output == twoPasses.bytes
        #expect(same)
    }
}
