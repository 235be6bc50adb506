import COpenSSL

/// A reviewer's X25519 private key: it opens files sealed to its public key.
public struct X25519PrivateKey: Sendable {
    /// The 32-byte X25519 private scalar as stored (RFC 7748; clamped on use).
    let rawRepresentation: [UInt8]

    /// Creates a new random key.
    public static func generate() -> X25519PrivateKey {
        do {
            return try X25519PrivateKey(rawRepresentation: SecureRandom.bytes(count: 32))
        } catch {
            fatalError("creating an X25519 key from 32 random bytes failed: \(error)")
        }
    }

    /// Wraps a 32-byte raw private key.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else { throw KeyError.invalidRawKeyLength(rawRepresentation.count) }
        self.rawRepresentation = rawRepresentation
    }

    /// The matching public key.
    public var publicKey: X25519PublicKey {
        do {
            let key = try X25519.privateKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return X25519PublicKey(derivedFromPrivateKey: try X25519.rawPublicKey(of: key))
        } catch {
            fatalError("deriving the public key of a valid X25519 private key failed: \(error)")
        }
    }
}
