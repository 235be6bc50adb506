/// A short value sealed with AES-256-GCM under a 32-byte key and a random nonce: nonce, ciphertext, tag. Sealing the
/// same value twice gives different bytes, so equal values cannot be told apart at rest.
public enum SealedValue {
    /// Bytes a sealed value adds to its plaintext.
    public static let overhead = AESGCM.nonceLength + AESGCM.tagLength

    public static func seal(_ plaintext: [UInt8], key: [UInt8]) throws -> [UInt8] {
        let nonce = SecureRandom.bytes(count: AESGCM.nonceLength)
        return nonce + (try AESGCM(key: key, encrypting: true).seal(plaintext, nonce: nonce))
    }

    /// The plaintext; nil when `sealed` was not sealed under `key` or was changed.
    public static func open(_ sealed: [UInt8], key: [UInt8]) throws -> [UInt8]? {
        guard sealed.count >= overhead else { return nil }
        return try AESGCM(key: key, encrypting: false).open(Array(sealed[AESGCM.nonceLength...]), nonce: Array(sealed.prefix(AESGCM.nonceLength)))
    }
}
