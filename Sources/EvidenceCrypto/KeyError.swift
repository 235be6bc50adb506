/// Why a reviewer key could not be created, loaded or used.
public enum KeyError: Error, Equatable, CustomStringConvertible {
    /// The passphrase does not decrypt the private key.
    case wrongPassphrase
    /// The text is not a PEM private key.
    case notAPrivateKey
    /// The text is not a PEM public key.
    case notAPublicKey
    /// The key is of another algorithm than X25519.
    case notX25519
    /// The private key is stored without a passphrase, which reviewer keys must have.
    case unencryptedKey
    /// An empty passphrase was given for protecting a private key.
    case emptyPassphrase
    /// Raw key bytes had the wrong length.
    case invalidRawKeyLength(Int)
    /// The public key is a degenerate X25519 point that would give an all-zero shared secret.
    case degeneratePublicKey

    public var description: String {
        switch self {
        case .wrongPassphrase:
            return "wrong passphrase for the private key"
        case .notAPrivateKey:
            return "this is not a PEM private key (expected \"-----BEGIN ENCRYPTED PRIVATE KEY-----\")"
        case .notAPublicKey:
            return "this is not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")"
        case .notX25519:
            return "this key is not an X25519 key; create reviewer keys with `evidence-review keygen`"
        case .unencryptedKey:
            return "this private key is not protected by a passphrase; reviewer keys must be (re-create it with `evidence-review keygen`, or encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter 600000`)"
        case .emptyPassphrase:
            return "the passphrase must not be empty"
        case .invalidRawKeyLength(let count):
            return "an X25519 key is 32 bytes long, but \(count) bytes were given"
        case .degeneratePublicKey:
            return "this public key is a degenerate X25519 point and cannot receive files; ask the reviewer for their real .pub file"
        }
    }
}
