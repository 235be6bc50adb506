/// Why the log-signing (Ed25519) key could not be created, loaded or used.
public enum SigningKeyError: Error, Equatable, CustomStringConvertible {
    /// Raw key bytes had the wrong length.
    case invalidRawKeyLength(Int)
    /// The text is not an unencrypted PEM private key.
    case notAPrivateKey
    /// The text is not a PEM public key.
    case notAPublicKey
    /// The private key PEM is passphrase-protected, which the server's own signing key is not.
    case encryptedKey
    /// The key is of another algorithm than Ed25519.
    case notEd25519

    public var description: String {
        switch self {
        case .invalidRawKeyLength(let count):
            return "an Ed25519 key is 32 bytes long, but \(count) bytes were given"
        case .notAPrivateKey:
            return "this is not a PEM private key (expected \"-----BEGIN PRIVATE KEY-----\"); delete log-signing.key only if no checkpoint was ever published, and the server makes a new one"
        case .notAPublicKey:
            return "this is not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")"
        case .encryptedKey:
            return "the log-signing key is passphrase-protected, but the server must read it unattended; decrypt it with `openssl pkey -in KEY -out log-signing.key` and keep it mode 0600"
        case .notEd25519:
            return "this key is not an Ed25519 key; the transparency log signs checkpoints with Ed25519 (`openssl genpkey -algorithm ed25519`)"
        }
    }
}
