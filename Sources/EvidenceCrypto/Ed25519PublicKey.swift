import COpenSSL

/// The public half of the server's signing key: anyone checks checkpoint signatures with it.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32-byte encoded public key (RFC 8032 section 5.1.5).
    public let rawRepresentation: [UInt8]

    /// Wraps 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws {
        guard rawRepresentation.count == Ed25519.keyLength else {
            throw SigningKeyError.invalidRawKeyLength(rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    /// Reads a "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM, as written by `openssl pkey -pubout`.
    public init(pem: String) throws {
        try self.init(rawRepresentation: PublicKeyPEM.read(
            pem, type: EVP_PKEY_ED25519, notAPublicKey: SigningKeyError.notAPublicKey, wrongType: SigningKeyError.notEd25519,
            raw: Ed25519.rawPublicKey(of:)))
    }

    /// The key as a "-----BEGIN PUBLIC KEY-----" PEM (SubjectPublicKeyInfo).
    public var pem: String {
        do {
            let key = try Ed25519.publicKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return try PublicKeyPEM.write(key)
        } catch {
            fatalError("encoding an Ed25519 public key failed: \(error)")
        }
    }

    /// True if `signature` is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard let key = try? Ed25519.publicKey(raw: rawRepresentation) else {
            ERR_clear_error()
            return false
        }
        defer { EVP_PKEY_free(key) }
        return Ed25519.verify(signature, for: message, with: key)
    }
}
