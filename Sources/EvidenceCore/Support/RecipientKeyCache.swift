import EvidenceCrypto
import Synchronization

/// Reviewer public keys already parsed, by the text of their file. Every upload reads `recipients/` again, so a key
/// added or revoked counts from the next upload on; decoding the PEM (OpenSSL's decoders) and checking the point
/// cost more instructions than the rest of a small upload's key work (callgrind, docs/BENCHMARKS.md). Parsing is a
/// function of the text alone, so a hit is the very key a fresh parse would give. Text that fails is not kept.
enum RecipientKeyCache {
    /// More distinct key files than a data folder holds; past it the cache starts again empty.
    static let capacity = 256
    private static let parsed = Mutex<[String: X25519PublicKey]>([:])

    static func key(pem text: String) throws -> X25519PublicKey {
        if let key = parsed.withLock({ $0[text] }) { return key }
        let key = try X25519PublicKey(pem: text)
        parsed.withLock { parsed in
            if parsed.count >= capacity { parsed.removeAll() }
            parsed[text] = key
        }
        return key
    }

    /// How many texts are kept (for tests).
    static var count: Int { parsed.withLock { $0.count } }
}
