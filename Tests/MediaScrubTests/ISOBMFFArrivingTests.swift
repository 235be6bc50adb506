import Foundation
@testable import MediaScrub
import Testing

/// The ISO BMFF scrubber reading a file while it arrives: media data before the index is streamed out at once, and
/// what the index then removes inside it is zeroed by the sink afterwards. A sink that cannot zero gets two passes.
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

    /// A memory sink that zeroes when asked, and records each request.
    final class ZeroingSink: ZeroingByteSink {
        private(set) var bytes: [UInt8] = []
        private(set) var requests: [ZeroRanges] = []
        func write(_ piece: ArraySlice<UInt8>) throws { bytes += piece }
        func zero(_ ranges: ZeroRanges, counting counted: ZeroRanges) throws -> Int {
            requests.append(ranges)
            var counting = counted
            let nonZero = counting.nonZeroCovered(bytes[...], at: 0)
            for range in ranges.ranges {
                #expect(range.upperBound <= bytes.count, "zeroing bytes not written yet")
                for index in range where index < bytes.count { bytes[index] = 0 }
            }
            return nonZero
        }
    }

    static func scrubArriving(_ original: [UInt8]) throws -> (output: [UInt8], report: RemovalReport, source: ArrivingSource, sink: ZeroingSink) {
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        let (source, sink) = (ArrivingSource(original), ZeroingSink())
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
        // One pass: the copy is given up at once, and never read.
        #expect(arriving.source.rewinds == 0 && arriving.source.forgone && arriving.sink.requests.count <= 1)
        if !Self.indexLast(original) { #expect(arriving.sink.requests.isEmpty) }

        // A sink that cannot zero (an object store's blob): two passes over the copy when the index comes last.
        let (source, plain) = (ArrivingSource(original), MemoryByteSink())
        let report = try MediaScrubber.scrubber(for: type).scrub(from: source, to: plain)
        let samePlain = plain.bytes == expected.bytes
        #expect(samePlain && report == expectedReport)
        #expect(Self.indexLast(original) ? source.rewinds == 2 && !source.forgone : source.rewinds == 0)
    }

    /// ffmpeg's output for `arguments`, with a title; ffmpeg writes the index after the media data.
    static func movie(_ name: String, _ arguments: [String]) throws -> [UInt8] {
        let scratch = try TemporaryFile([], ext: "txt")
        let path = scratch.url.deletingLastPathComponent().appendingPathComponent(name).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Tool.run(ISOOracle.ffmpeg!, ["-v", "error", "-y"] + arguments + ["-metadata", "title=MARKERtitle", path])
        return withExtendedLifetime(scratch) { [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()) }
    }

    @Test("index last with nothing to zero: nothing zeroed after; index last with a removed track: its samples zeroed after",
          .enabled(if: ISOOracle.ffmpeg != nil, "ffmpeg not installed"))
    func zeroedAfter() throws {
        let video = ISOBMFFGeneratedTests.video
        let plain = try Self.movie("nothing-zeroed.mp4", video)
        let plainIndexLast = Self.indexLast(plain)
        #expect(plainIndexLast)
        let nothingZeroed = try Self.scrubArriving(plain)
        #expect(nothingZeroed.source.rewinds == 0 && nothingZeroed.sink.requests.isEmpty, "nothing to zero")
        let markerLeft = ISOOracle.contains(nothingZeroed.output, Array("MARKER".utf8))
        #expect(!markerLeft)

        // A timecode track is removed, and its samples in the media data are zeroed: that needs the index first.
        let timecoded = try Self.movie("zeroed-after.mov", video + ["-timecode", "01:02:03:04"])
        let timecodedIndexLast = Self.indexLast(timecoded)
        #expect(timecodedIndexLast)
        let zeroedLate = try Self.scrubArriving(timecoded)
        #expect(zeroedLate.sink.requests.count == 1 && zeroedLate.source.rewinds == 0, "\(zeroedLate.sink.requests.count) zero requests, \(zeroedLate.source.rewinds) rewinds")
        let mdat = try #require((ISOOracle.topLevel(timecoded) ?? []).first { $0.type == "mdat" })
        let zeroed = zeroedLate.sink.requests.first?.ranges ?? []
        #expect(!zeroed.isEmpty && zeroed.allSatisfy { $0.lowerBound >= mdat.offset + 8 && $0.upperBound <= mdat.offset + mdat.size })
        #expect(zeroedLate.report.removed.contains { $0.what == "timed metadata or timecode track (tmcd)" })
        let twoPasses = MemoryByteSink()
        _ = try MediaScrubber.scrubber(for: .mov).scrub(from: RaggedRewindableSource(timecoded, seed: 2), to: twoPasses)
        let same = zeroedLate.output == twoPasses.bytes
        #expect(same)
    }
}

extension ISOBMFFArrivingTests {
    @Test("a file of countless media boxes before its index is refused while it arrives, not remembered box by box")
    func countlessMediaBoxes() {
        func box(_ type: String, _ payload: [UInt8] = []) -> [UInt8] {
            let size = UInt32(8 + payload.count)
            return withUnsafeBytes(of: size.bigEndian, Array.init) + Array(type.utf8) + payload
        }
        let file = box("ftyp", Array("isom".utf8) + [0, 0, 0, 0]) + (0...ISOBMFFScrubber.maxMediaBoxesBeforeIndex).flatMap { _ in box("mdat") }
        let error = #expect(throws: ScrubError.self) {
            _ = try MediaScrubber.scrubber(for: .mp4).scrub(from: ArrivingSource(file), to: ZeroingSink())
        }
        #expect(error?.description.contains("media boxes before the index") == true, "\(String(describing: error))")
    }
}
