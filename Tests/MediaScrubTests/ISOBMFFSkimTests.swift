import Foundation
@testable import MediaScrub
import Testing

/// The first of two passes over an MP4 whose index follows its media data only looks for the index: from a source
/// that can skip (an encrypted spool seeking to a chunk), it passes over the media data instead of reading it.
@Suite("ISO BMFF skim over a skipping source")
struct ISOBMFFSkimTests {
    /// Counts what was read and what was skipped.
    final class SkippingSource: RewindableByteSource, SkippingByteSource {
        private let bytes: [UInt8]
        private var position = 0
        private(set) var read = 0
        private(set) var skipped = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        func read(maxLength: Int) throws -> [UInt8] {
            // Ragged reads, as a decrypting source gives them.
            let end = min(bytes.count, position + min(maxLength, 7_777))
            defer { position = end }
            read += end - position
            return Array(bytes[position..<end])
        }

        func skip(_ count: Int) throws -> Int {
            let passed = min(count, bytes.count - position)
            position += passed
            skipped += passed
            return passed
        }

        func rewind() { position = 0 }
    }

    @Test("the output equals the reading passes', and the skim reads none of the media data",
          .enabled(if: Corpus.isAvailable, "corpus not found"), arguments: Corpus.isobmffFiles)
    func skimSkipsMediaData(path: String) throws {
        let original = try Corpus.bytes(path)
        let type = try #require(MediaSniffer.sniff(original.prefix(64)))
        let expected = MemoryByteSink()
        let expectedReport: RemovalReport
        do {
            expectedReport = try MediaScrubber.scrubber(for: type).scrub(from: MemoryByteSource(original), to: expected)
        } catch {
            #expect(throws: ScrubError.self) { try MediaScrubber.scrubber(for: type).scrub(from: SkippingSource(original), to: MemoryByteSink()) }
            return
        }
        let (source, sink) = (SkippingSource(original), MemoryByteSink())
        let report = try MediaScrubber.scrubber(for: type).scrub(from: source, to: sink)
        let sameOutput = sink.bytes == expected.bytes
        #expect(sameOutput && report == expectedReport)
        guard ISOBMFFArrivingTests.indexLast(original) else {
            #expect(source.skipped == 0 && source.read == original.count, "one pass, read whole")
            return
        }
        // Two passes: the writing one reads everything; the skim reads no more than what is not media data, plus
        // the one block the reader had in hand when a media box began.
        let media = (ISOOracle.topLevel(original) ?? []).filter { ISOBMFFScrubber.streamedTypes.contains($0.type) }
        let mediaPayload = media.reduce(0) { $0 + $1.size - 16 }
        #expect(source.read <= original.count + (original.count - mediaPayload) + media.count * ByteReader.blockSize)
        #expect(source.skipped > 0 || mediaPayload <= media.count * ByteReader.blockSize)
    }

    @Test("a skip past the end of the input is a truncated file, from a source that skips and from one that reads")
    func skipPastTheEnd() throws {
        let bytes = [UInt8](0..<200)
        for source in [SkippingSource(bytes), MemoryByteSource(bytes)] as [any ByteSource] {
            let reader = ByteReader(source)
            #expect(try reader.read(exactly: 10, place: "start") == Array(0..<10))
            #expect(try reader.skip(100, place: "middle") == 100)
            #expect(try reader.readByte() == 110)
            #expect(throws: ScrubError.truncated("past the end")) { try reader.skip(100, place: "past the end") }
            #expect(reader.offset == 200)
        }
        let reader = ByteReader(SkippingSource(bytes))
        #expect(try reader.skip(nil, place: "all") == 200 && reader.offset == 200)
        #expect(try reader.buffered().isEmpty)
    }
}
