import EvidenceCrypto
import Foundation
import Synchronization

/// An optional hashcash-style puzzle on submissions, for an operator under attack where addresses mean nothing
/// (behind Tor every client is 127.0.0.1). The form carries a challenge; the browser finds a nonce such that
/// SHA-256("CHALLENGE:NONCE") starts with `bits` zero bits and sends `pow=CHALLENGE:NONCE` with the upload.
/// Challenges are stateless (an HMAC under a key that lives in memory only) and expire; each is good for one
/// submission and its resumable uploads. Without JavaScript there is no proof: the request simply waits.
final class ProofOfWork: Sendable {
    let bits: Int
    /// How long a request without a valid proof is held back before it is handled.
    let fallbackDelay: Duration
    let lifetime: TimeInterval
    /// Uses of one challenge: tus creations (one per file) plus the final form post.
    let usesPerChallenge: Int
    private let key = SecureRandom.bytes(count: 32)
    private let used = Mutex<[String: (uses: Int, expires: Date)]>([:])

    init(bits: Int, fallbackDelay: Duration = .seconds(30), lifetime: TimeInterval = 3600, usesPerChallenge: Int = 51) {
        self.bits = bits
        self.fallbackDelay = fallbackDelay
        self.lifetime = lifetime
        self.usesPerChallenge = usesPerChallenge
    }

    /// A fresh challenge for a form page: "v1.ISSUED.RANDOM.MAC".
    func challenge(now: Date = Date()) -> String {
        let body = "v1.\(Int(now.timeIntervalSince1970)).\(Hex.encode(SecureRandom.bytes(count: 12)))"
        return body + "." + mac(body)
    }

    /// Whether `proof` ("CHALLENGE:NONCE") is a solved, unexpired challenge of ours with uses left; counts a use.
    func accept(_ proof: String?, now: Date = Date()) -> Bool {
        guard let proof, let colon = proof.lastIndex(of: ":") else { return false }
        let challenge = String(proof[..<colon])
        let parts = challenge.split(separator: ".")
        guard parts.count == 4, parts[0] == "v1", let issued = TimeInterval(parts[1]),
            mac(parts[0...2].joined(separator: ".")) == parts[3],
            now.timeIntervalSince1970 - issued < lifetime, now.timeIntervalSince1970 >= issued - 60,
            Self.leadingZeroBits(SHA256Hasher.hash(Array(proof.utf8))) >= bits
        else { return false }
        return used.withLock { used in
            used = used.filter { $0.value.expires > now }
            let uses = used[challenge]?.uses ?? 0
            guard uses < usesPerChallenge else { return false }
            used[challenge] = (uses + 1, Date(timeIntervalSince1970: issued + lifetime))
            return true
        }
    }

    private func mac(_ text: String) -> String {
        Hex.encode(HMACSHA256.authenticationCode(key: key, message: Array(text.utf8)).prefix(16))
    }

    static func leadingZeroBits(_ digest: [UInt8]) -> Int {
        var count = 0
        for byte in digest {
            if byte == 0 {
                count += 8
                continue
            }
            count += byte.leadingZeroBitCount
            break
        }
        return count
    }
}
