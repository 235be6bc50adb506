import COpenSSL

/// A reviewer's X25519 public key: files are sealed to it.
public struct X25519PublicKey: Sendable, Hashable {
    /// The 32-byte X25519 public value (RFC 7748).
    public let rawRepresentation: [UInt8]

    /// Wraps 32 raw bytes; refuses a wrong length and degenerate (low-order) points.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == 32 else { throw KeyError.invalidRawKeyLength(rawRepresentation.count) }
        // Every low-order point gives an all-zero shared secret, which OpenSSL refuses to derive.
        do {
            _ = try X25519.sharedSecret(privateKey: X25519.probePrivateKey, publicKey: rawRepresentation)
        } catch {
            throw KeyError.degeneratePublicKey
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Wraps the public value OpenSSL computed from a private key: a multiple of the base point by a clamped scalar,
    /// never a low-order point, so it skips the probe (a key agreement) that `init(rawRepresentation:)` runs.
    init(derivedFromPrivateKey raw: [UInt8]) {
        precondition(raw.count == 32, "an X25519 public value is 32 bytes")
        rawRepresentation = raw
    }

    /// Reads a "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM, as written by `openssl pkey -pubout`.
    public init(pem: String) throws {
        try self.init(rawRepresentation: PublicKeyPEM.read(
            pem, type: EVP_PKEY_X25519, notAPublicKey: KeyError.notAPublicKey, wrongType: KeyError.notX25519,
            raw: X25519.rawPublicKey(of:)))
    }

    /// The key as a "-----BEGIN PUBLIC KEY-----" PEM (SubjectPublicKeyInfo).
    public var pem: String {
        do {
            let key = try X25519.publicKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return try PublicKeyPEM.write(key)
        } catch {
            fatalError("encoding a valid X25519 public key failed: \(error)")
        }
    }

    /// The 16-byte key id stored in sealed-file headers: the first 16 bytes of SHA-256(rawRepresentation).
    var keyID: [UInt8] {
        Array(SHA256Hasher.hash(rawRepresentation).prefix(16))
    }

    /// "sha256:" followed by the hex of the first 16 bytes of SHA-256(rawRepresentation); the same bytes as the key id in sealed headers.
    public var fingerprint: String {
        Self.fingerprint(keyID: keyID)
    }

    static func fingerprint(keyID: [UInt8]) -> String {
        "sha256:" + Hex.encode(keyID)
    }
}
