import Testing
import EvidenceCrypto

@Suite struct SecureRandomTests {
    @Test func givesRequestedCountAndFreshBytes() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        let first = SecureRandom.bytes(count: 32)
        let second = SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
    }
}
