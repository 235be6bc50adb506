import COpenSSL

/// Passphrase-protected PKCS#8 storage of reviewer private keys.
extension X25519PrivateKey {
    /// PBKDF2 iterations used when protecting a key (OWASP 2023 guidance for PBKDF2-HMAC-SHA256).
    public static let pbkdf2Iterations: Int32 = 600_000

    private static let encryptedLabel = "-----BEGIN ENCRYPTED PRIVATE KEY-----"
    private static let unencryptedLabel = "-----BEGIN PRIVATE KEY-----"

    /// The key as an "ENCRYPTED PRIVATE KEY" PEM: PKCS#8 with PBES2, PBKDF2-HMAC-SHA256 (600,000 iterations, 16-byte random salt) and AES-256-CBC (random IV).
    public func encryptedPEM(passphrase: String) throws -> String {
        let password = Array(passphrase.utf8)
        guard !password.isEmpty else { throw KeyError.emptyPassphrase }
        let key = try X25519.privateKey(raw: rawRepresentation)
        defer { EVP_PKEY_free(key) }
        guard let info = EVP_PKEY2PKCS8(key) else { throw CryptoError.fromOpenSSL("EVP_PKEY2PKCS8") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        var salt = SecureRandom.bytes(count: 16)
        guard let algorithm = PKCS5_pbe2_set_iv(
            EVP_aes_256_cbc(), Self.pbkdf2Iterations, &salt, Int32(salt.count), nil, NID_hmacWithSHA256)
        else { throw CryptoError.fromOpenSSL("PKCS5_pbe2_set_iv") }
        let sealed = password.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PKCS8_set0_pbe($0.baseAddress, Int32($0.count), info, algorithm) }
        }
        guard let sealed else {
            // On failure PKCS8_set0_pbe leaves ownership of the algorithm with us.
            X509_ALGOR_free(algorithm)
            throw CryptoError.fromOpenSSL("PKCS8_set0_pbe")
        }
        defer { X509_SIG_free(sealed) }
        return try OpenSSLBIO.writing { bio in
            guard PEM_write_bio_PKCS8(bio, sealed) == 1 else { throw CryptoError.fromOpenSSL("PEM_write_bio_PKCS8") }
        }
    }

    /// Reads an "ENCRYPTED PRIVATE KEY" PEM; refuses unencrypted keys with `KeyError.unencryptedKey`.
    public init(encryptedPEM: String, passphrase: String) throws {
        guard encryptedPEM.contains(Self.encryptedLabel) else {
            throw encryptedPEM.contains(Self.unencryptedLabel) ? KeyError.unencryptedKey : KeyError.notAPrivateKey
        }
        let password = Array(passphrase.utf8)
        let raw: [UInt8] = try OpenSSLBIO.reading(encryptedPEM) { bio in
            guard let sealed = PEM_read_bio_PKCS8(bio, nil, nil, nil) else {
                ERR_clear_error()
                throw KeyError.notAPrivateKey
            }
            defer { X509_SIG_free(sealed) }
            let decrypted = password.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PKCS8_decrypt(sealed, $0.baseAddress, Int32($0.count)) }
            }
            guard let decrypted else {
                // A wrong passphrase shows up as bad CBC padding or as undecodable DER; both mean the same to a person.
                ERR_clear_error()
                throw KeyError.wrongPassphrase
            }
            defer { PKCS8_PRIV_KEY_INFO_free(decrypted) }
            guard let key = EVP_PKCS82PKEY(decrypted) else {
                ERR_clear_error()
                throw KeyError.notAPrivateKey
            }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_X25519 else { throw KeyError.notX25519 }
            return try X25519.rawPrivateKey(of: key)
        }
        try self.init(rawRepresentation: raw)
    }
}
