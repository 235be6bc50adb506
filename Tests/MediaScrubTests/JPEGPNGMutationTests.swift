import Foundation
import Testing
import MediaScrub

/// Truncations and seeded byte flips of every corpus JPEG and PNG: each must end quickly, either with
/// a cleaned file or with a `ScrubError`, never with a crash, a hang or another error type.
@Suite("JPEG and PNG mutations", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct JPEGPNGMutationTests {
    static let mutationsPerKind = 25
    /// Each single scrub of a mutated file must finish within this bound (debug build, shared machine).
    static let perRunBound = Duration.seconds(5)

    static let cases: [(path: String, type: MediaType)] =
        Corpus.jpegFiles.map { ($0, MediaType.jpeg) } + Corpus.pngFiles.map { ($0, MediaType.png) }

    enum Outcome: Equatable { case cleaned(keptAsReceivedAfter: Int?), refused }

    /// Scrubs `input` as `type` through pieces of random size; records an issue for any error that is not a
    /// `ScrubError` and for any run slower than `perRunBound`.
    static func run(_ input: [UInt8], as type: MediaType, seed: UInt64, what: String) -> Outcome? {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let elapsed = clock.now - start
            #expect(elapsed < perRunBound, "\(what) took \(elapsed)")
        }
        do {
            let (output, report) = try scrub(input, as: type, chunkSizes: .random(seed: seed))
            #expect(report.mediaType == type)
            #expect(output.count <= 2 * input.count + 65_536, "\(what): output far larger than its input")
            return .cleaned(keptAsReceivedAfter: report.keptAsReceivedAfter)
        } catch is ScrubError {
            return .refused
        } catch {
            Issue.record("\(what): unexpected error type \(Swift.type(of: error)): \(error)")
            return nil
        }
    }

    @Test("25 truncations of each file end with a clean result or a ScrubError", .timeLimit(.minutes(2)), arguments: cases)
    func truncations(path: String, type: MediaType) throws {
        let original = try Corpus.bytes(path)
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: path.utf8.reduce(5381) { ($0 &* 33) &+ Int($1) }))
        // Cuts in the first kilobyte (headers), spread over the whole file, and random ones.
        var cuts = Set([0, 1, 2, 3, 4, 7, 8, 9, 16, 33, 100, 500, 1000].filter { $0 < original.count })
        for index in 1...6 { cuts.insert(original.count * index / 7) }
        while cuts.count < min(Self.mutationsPerKind, original.count) { cuts.insert(Int(random.next() % UInt64(original.count))) }
        // A cut before the image data (the first SOS / IDAT) must be refused; a cut after it and before the end of the
        // image (EOI / IEND) is either refused or cleaned with the report saying where it was kept as received.
        let (_, report) = try scrub(original, as: type)
        let trailing = report.removed.first { $0.what == "data after end of image" }?.bytes ?? 0
        let endOfImage = original.count - trailing
        let imageDataStart = type == .jpeg
            ? JPEGLayout(original)?.firstScanOffset ?? 0
            : Data(original).range(of: Data("IDAT".utf8)).map { $0.lowerBound - 4 } ?? 0
        var wronglyAccepted: [Int] = []
        for cut in cuts.sorted() {
            let outcome = Self.run(Array(original.prefix(cut)), as: type, seed: UInt64(cut), what: "\(path) cut at \(cut)")
            guard case .cleaned(let keptAsReceivedAfter) = outcome, cut < endOfImage else { continue }
            if cut < imageDataStart || keptAsReceivedAfter == nil || keptAsReceivedAfter! > cut { wronglyAccepted.append(cut) }
        }
        #expect(wronglyAccepted == [], "truncations of \(path) before its image data or unmarked as damaged were accepted")
    }

    @Test("25 seeded random byte flips of each file end with a clean result or a ScrubError", .timeLimit(.minutes(2)),
          arguments: cases)
    func byteFlips(path: String, type: MediaType) throws {
        let original = try Corpus.bytes(path)
        var random = SplitMix64(seed: 0x5EED ^ UInt64(original.count))
        for round in 0..<Self.mutationsPerKind {
            var mutated = original
            // One to four flips; every other round aims at the first 512 bytes, where the structure is.
            let flips = 1 + Int(random.next() % 4)
            for _ in 0..<flips {
                let range = round % 2 == 0 ? min(512, mutated.count) : mutated.count
                let offset = Int(random.next() % UInt64(range))
                mutated[offset] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
            }
            _ = Self.run(mutated, as: type, seed: UInt64(round), what: "\(path) flip round \(round)")
        }
    }
}
