@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Reviewer keys are parsed once per file text, while every upload reads `recipients/` again.
@Suite struct RecipientKeyCacheTests {
    @Test("a key file replaced under the same name gives the new key at the next read")
    func replacedFileIsReadAgain() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("recipient-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = DataFolder(root.path)
        try folder.initialise()
        let first = X25519PrivateKey.generate().publicKey
        let second = X25519PrivateKey.generate().publicKey
        let file = folder.recipients.appendingPathComponent("reviewer.pub")
        try Data(first.pem.utf8).write(to: file)
        #expect(try folder.loadRecipients() == [first])
        #expect(try folder.loadRecipients() == [first])
        try Data(second.pem.utf8).write(to: file)
        #expect(try folder.loadRecipients() == [second])
    }

    @Test("a cached key equals a fresh parse; text that is not a key fails every time")
    func hitsEqualFreshParsesAndFailuresAreNotKept() throws {
        let key = X25519PrivateKey.generate().publicKey
        let pem = key.pem
        #expect(try RecipientKeyCache.key(pem: pem) == X25519PublicKey(pem: pem))
        #expect(try RecipientKeyCache.key(pem: pem) == key)
        let broken = String(pem.dropLast(20))
        for _ in 0..<2 {
            #expect(throws: (any Error).self) { try RecipientKeyCache.key(pem: broken) }
        }
    }

    @Test("the cache never holds more texts than its capacity")
    func staysBounded() throws {
        for _ in 0...RecipientKeyCache.capacity {
            _ = try RecipientKeyCache.key(pem: X25519PrivateKey.generate().publicKey.pem)
            #expect(RecipientKeyCache.count <= RecipientKeyCache.capacity)
        }
    }
}
