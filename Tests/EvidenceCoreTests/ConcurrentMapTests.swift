@testable import EvidenceCore
import Foundation
import Testing

struct ConcurrentMapTests {
    @Test("concurrentMap gives map's result, in order, for empty, tiny and large arrays")
    func sameAsMap() {
        for count in [0, 1, 2, 3, 7, 1000, 10_007] {
            let input = (0..<count).map { $0 &* 2_654_435_761 }
            #expect(input.concurrentMap { String($0, radix: 16) } == input.map { String($0, radix: 16) }, "\(count) elements")
        }
    }
}
