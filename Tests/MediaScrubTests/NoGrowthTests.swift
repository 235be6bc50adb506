import Foundation
import MediaScrub
import Testing

/// Cleaning never makes a file bigger than the few bytes of a kept orientation: what is rewritten (an ICC profile, an
/// index) is written at least as compactly as it came.
@Suite("Outputs never grow", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct NoGrowthTests {
    static let allowance = 64

    @Test("every corpus file the scrubber cleans comes out at most 64 bytes larger")
    func corpus() throws {
        var grown: [String] = []
        var cleaned = 0
        for path in CorpusSweepTests.allFiles {
            let original = try Corpus.bytes(path)
            guard let (output, _) = try? scrub(original) else { continue }
            cleaned += 1
            if output.count > original.count + Self.allowance { grown.append("\(path): \(original.count) → \(output.count) bytes") }
        }
        #expect(cleaned >= 90, "only \(cleaned) corpus files cleaned")
        #expect(grown == [])
    }
}
