import Foundation
import Testing
@testable import MediaScrub

/// Issue 21, item 3: a budget for the large buffers of all scrubbings at once, so that a few crafted files together
/// are refused as busy (503) instead of taking more memory than the machine has.
@Suite(.enabled(if: Corpus.isAvailable, "../shared/corpus is absent"))
struct ScrubMemoryTests {
    static let movie = "metadata-extractor-images/mp4/sample_mpeg4.mp4"

    @Test("a movie whose index does not fit what is left of the budget is refused as busy; with room it is cleaned, and the budget is given back")
    func movieIndexDrawsOnTheBudget() throws {
        let bytes = try [UInt8](Data(contentsOf: Corpus.url(Self.movie)))
        let small = ScrubMemory(total: 1000)
        let refused = Result { try ScrubMemory.$current.withValue(small) { try scrub(bytes, as: .mp4) } }
        guard case .failure(let error) = refused, case .busy? = error as? ScrubError else {
            Issue.record("expected busy, got \(refused)")
            return
        }
        #expect(small.inUse == 0)
        let roomy = ScrubMemory(total: 64 << 20)
        let cleaned = try ScrubMemory.$current.withValue(roomy) { try scrub(bytes, as: .mp4) }
        #expect(!cleaned.output.isEmpty && roomy.inUse == 0)
    }

    @Test("two scrubbings hold the budget together: the second is refused while the first holds it")
    func holdsAreShared() throws {
        let budget = ScrubMemory(total: 100)
        try budget.holding(60, for: "the first") {
            #expect(budget.inUse == 60)
            #expect(throws: ScrubError.busy("the second")) { try budget.holding(60, for: "the second") {} }
        }
        #expect(budget.inUse == 0)
        try budget.holding(100, for: "the third") {}
    }
}
