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
        let raw: [UInt8] = try OpenSSLBIO.reading(pem) { bio in
            guard let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                ERR_clear_error()
                throw SigningKeyError.notAPublicKey
            }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { throw SigningKeyError.notEd25519 }
            return try Ed25519.rawPublicKey(of: key)
        }
        try self.init(rawRepresentation: raw)
    }

    /// The key as a "-----BEGIN PUBLIC KEY-----" PEM (SubjectPublicKeyInfo).
    public var pem: String {
        do {
            let key = try Ed25519.publicKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            return try OpenSSLBIO.writing { bio in
                guard PEM_write_bio_PUBKEY(bio, key) == 1 else { throw CryptoError.fromOpenSSL("PEM_write_bio_PUBKEY") }
            }
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
