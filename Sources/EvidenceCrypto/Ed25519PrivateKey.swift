import COpenSSL

/// The server's own Ed25519 key: it signs transparency-log checkpoints.
public struct Ed25519PrivateKey: Sendable {
    /// The 32-byte private seed (RFC 8032 section 5.1.5).
    public let rawRepresentation: [UInt8]

    /// Creates a new random key.
    public static func generate() -> Ed25519PrivateKey {
        do {
            return try Ed25519PrivateKey(rawRepresentation: SecureRandom.bytes(count: Ed25519.keyLength))
        } catch {
            fatalError("creating an Ed25519 key from 32 random bytes failed: \(error)")
        }
    }

    /// Wraps a 32-byte private seed.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == Ed25519.keyLength else {
            throw SigningKeyError.invalidRawKeyLength(rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// The matching public key.
    public var publicKey: Ed25519PublicKey {
        do {
            let key = try Ed25519.privateKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return try Ed25519PublicKey(rawRepresentation: Ed25519.rawPublicKey(of: key))
        } catch {
            fatalError("deriving the public key of a valid Ed25519 private key failed: \(error)")
        }
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func signature(for message: [UInt8]) -> [UInt8] {
        do {
            let key = try Ed25519.privateKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return try Ed25519.sign(message, with: key)
        } catch {
            fatalError("signing with a valid Ed25519 key failed: \(error)")
        }
    }
}
