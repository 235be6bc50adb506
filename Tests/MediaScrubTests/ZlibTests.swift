import Foundation
import Testing
@testable import MediaScrub

/// The zlib wrapper: round trips, the output bound, and damaged streams refused with the place named.
struct ZlibTests {
    /// A stream built by hand from RFC 1950/1951: header 78 01, one final stored block "abc", Adler-32 of "abc".
    static let storedABC: [UInt8] = [0x78, 0x01, 0x01, 0x03, 0x00, 0xFC, 0xFF] + Array("abc".utf8) + [0x02, 0x4D, 0x01, 0x27]

    static func malformedText(_ body: () throws -> [UInt8]) -> String? {
        do {
            _ = try body()
            return nil
        } catch let ScrubError.malformed(text) {
            return text
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("reads a hand-built stored stream, and its own compression of varied data")
    func roundTrip() throws {
        #expect(try Zlib.inflate(Self.storedABC, maximumOutput: 3, what: "test") == Array("abc".utf8))
        var random = SplitMix64(seed: 0x2B)
        let varied = (0..<300_000).map { index in UInt8(truncatingIfNeeded: index % 97 == 0 ? random.next() : UInt64(index / 300)) }
        let compressed = try Zlib.deflate(varied, what: "test")
        #expect(compressed.count < varied.count / 4)
        #expect(compressed.prefix(1) == [0x78])
        #expect(try Zlib.inflate(compressed, maximumOutput: varied.count, what: "test") == varied)
        #expect(try Zlib.inflate(Zlib.deflate([], what: "test"), maximumOutput: 0, what: "test") == [])
    }

    @Test("a bomb (16 MiB of zeros in 16 KB) stops at the bound at once", .timeLimit(.minutes(1)))
    func bomb() throws {
        let bomb = try Zlib.deflate([UInt8](repeating: 0, count: 16 << 20), what: "test")
        #expect(bomb.count < 20_000)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: ScrubError.tooLarge("the bomb: more than 100000 bytes once decompressed")) {
            try Zlib.inflate(bomb, maximumOutput: 100_000, what: "the bomb")
        }
        #expect(clock.now - start < .milliseconds(500))
        #expect(throws: ScrubError.tooLarge("test: more than 2 bytes once decompressed")) {
            try Zlib.inflate(Self.storedABC, maximumOutput: 2, what: "test")
        }
    }

    @Test("trailing bytes, a cut, a wrong checksum, a bad header and an empty stream are malformed, with the place named")
    func damaged() {
        let stream = Self.storedABC
        #expect(Self.malformedText { try Zlib.inflate(stream + [0], maximumOutput: 100, what: "X") } == "X: 1 bytes follow the end of the zlib stream")
        for cut in 1..<stream.count {
            #expect(Self.malformedText { try Zlib.inflate(Array(stream.prefix(cut)), maximumOutput: 100, what: "X") } == "X: the zlib stream ends early")
        }
        var badChecksum = stream
        badChecksum[badChecksum.count - 1] ^= 1
        #expect(Self.malformedText { try Zlib.inflate(badChecksum, maximumOutput: 100, what: "X") } == "X: the zlib checksum does not match")
        var badHeader = stream
        badHeader[1] ^= 1
        #expect(Self.malformedText { try Zlib.inflate(badHeader, maximumOutput: 100, what: "X") }?.hasPrefix("X: the zlib stream is damaged (") == true)
        #expect(Self.malformedText { try Zlib.inflate([], maximumOutput: 100, what: "X") } == "X: the zlib stream is empty")
    }
}
