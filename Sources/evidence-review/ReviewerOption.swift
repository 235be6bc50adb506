import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation

/// Who is acting, for the custody trail: a name and, when the reviewer's key is known, its fingerprint, e.g.
/// "alice [sha256:8fc5…]". The name comes from `--as`, `$EVIDENCE_REVIEWER`, the config file or `$USER`; the key
/// from the command's `--key`, the config file (only its `.pub` is read: no passphrase is needed to name it), or else
/// the one active key that `keys add` recorded under that name. The fingerprint is a claim, not a proof.
struct ReviewerOption: ParsableArguments {
    @Option(name: .customLong("as"), help: "Your reviewer name for the custody trail (default: $EVIDENCE_REVIEWER, the config file, or $USER).")
    var name: String?

    /// The actor, with the fingerprint of `keyPath`, of the config file's key, or of the key recorded under the name.
    func actor(keyPath: String? = nil, in store: EvidenceStore) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        let config = ReviewerConfig.load()
        let who = name ?? environment["EVIDENCE_REVIEWER"] ?? config?.name ?? environment["USER"] ?? "reviewer"
        if let path = keyPath ?? config?.key, let fingerprint = ReviewerConfig.fingerprint(ofKeyAt: path) {
            return "\(who) [\(fingerprint)]"
        }
        guard let fingerprint = try store.activeReviewerFingerprint(named: who) else { return who }
        return "\(who) [\(fingerprint)]"
    }
}

/// `$EVIDENCE_REVIEW_CONFIG` or `~/.config/evidence-review/config.json`: `{"name": "alice", "key": "/home/alice/reviewer.key"}`,
/// and for a deployment with several nodes `"store": "postgres://…"` and `"blobs": "s3://…"` (keep the file private:
/// they hold a password and a secret).
struct ReviewerConfig: Codable {
    var name: String?
    var key: String?
    /// The shared store and bucket of a deployment with several nodes (as `--store` and `--blobs`).
    var store: String?
    var blobs: String?

    static var path: URL {
        if let path = ProcessInfo.processInfo.environment["EVIDENCE_REVIEW_CONFIG"] { return URL(fileURLWithPath: path) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/evidence-review/config.json")
    }

    static func load() -> ReviewerConfig? {
        guard let data = try? Data(contentsOf: path) else { return nil }
        return try? JSONDecoder().decode(ReviewerConfig.self, from: data)
    }

    /// The fingerprint of the public key beside a private key file (`KEY.pub`), or of `path` itself if it is public.
    static func fingerprint(ofKeyAt path: String) -> String? {
        for candidate in [path + ".pub", path] {
            // Only a public key is parsed: handing OpenSSL a private key would make it prompt for the passphrase.
            if let text = try? String(contentsOfFile: candidate, encoding: .utf8), text.contains("-----BEGIN PUBLIC KEY-----"),
                let key = try? X25519PublicKey(pem: text)
            {
                return key.fingerprint
            }
        }
        return nil
    }
}
