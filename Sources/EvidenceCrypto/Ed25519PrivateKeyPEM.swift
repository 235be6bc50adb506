import COpenSSL

/// Unencrypted PKCS#8 storage of the server's signing key, which it must read unattended (the file is kept mode 0600).
extension Ed25519PrivateKey {
    private static let encryptedLabel = "-----BEGIN ENCRYPTED PRIVATE KEY-----"

    /// The key as a "-----BEGIN PRIVATE KEY-----" PEM (unencrypted PKCS#8), as `openssl genpkey -algorithm ed25519` writes.
    public var pem: String {
        do {
            let key = try Ed25519.privateKey(raw: rawRepresentation)
            defer { EVP_PKEY_free(key) }
            guard let info = EVP_PKEY2PKCS8(key) else { throw CryptoError.fromOpenSSL("EVP_PKEY2PKCS8") }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            return try OpenSSLBIO.writing { bio in
                guard PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, info) == 1 else {
                    throw CryptoError.fromOpenSSL("PEM_write_bio_PKCS8_PRIV_KEY_INFO")
                }
            }
        } catch {
            fatalError("encoding a valid Ed25519 private key failed: \(error)")
        }
    }

    /// Reads a "-----BEGIN PRIVATE KEY-----" PEM holding an Ed25519 key; never prompts for a passphrase.
    public init(pem: String) throws {
        guard !pem.contains(Self.encryptedLabel) else { throw SigningKeyError.encryptedKey }
        let raw: [UInt8] = try OpenSSLBIO.reading(pem) { bio in
            guard let info = PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio, nil, nil, nil) else {
                ERR_clear_error()
                throw SigningKeyError.notAPrivateKey
            }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            guard let key = EVP_PKCS82PKEY(info) else {
                ERR_clear_error()
                throw SigningKeyError.notAPrivateKey
            }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { throw SigningKeyError.notEd25519 }
            return try Ed25519.rawPrivateKey(of: key)
        }
        try self.init(rawRepresentation: raw)
    }
}
