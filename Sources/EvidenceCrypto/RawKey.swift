import COpenSSL

/// EVP_PKEY construction and raw-byte access shared by the 32-byte key types (X25519, Ed25519);
/// callers free what they receive.
enum RawKey {
    static let length = 32

    static func privateKey(_ type: Int32, raw: [UInt8], name: String) throws -> OpaquePointer {
        guard let key = EVP_PKEY_new_raw_private_key(type, nil, raw, raw.count) else {
            throw CryptoError.fromOpenSSL("EVP_PKEY_new_raw_private_key(\(name))")
        }
        return key
    }

    static func publicKey(_ type: Int32, raw: [UInt8], name: String) throws -> OpaquePointer {
        guard let key = EVP_PKEY_new_raw_public_key(type, nil, raw, raw.count) else {
            throw CryptoError.fromOpenSSL("EVP_PKEY_new_raw_public_key(\(name))")
        }
        return key
    }

    static func rawPublicKey(of key: OpaquePointer, name: String) throws -> [UInt8] {
        var size = length
        var raw = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(key, &raw, &size) == 1, size == length else {
            throw CryptoError.fromOpenSSL("EVP_PKEY_get_raw_public_key(\(name))")
        }
        return raw
    }

    static func rawPrivateKey(of key: OpaquePointer, name: String) throws -> [UInt8] {
        var size = length
        var raw = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_private_key(key, &raw, &size) == 1, size == length else {
            throw CryptoError.fromOpenSSL("EVP_PKEY_get_raw_private_key(\(name))")
        }
        return raw
    }
}

/// "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM, as `openssl pkey -pubout` writes it, for any key type.
enum PublicKeyPEM {
    /// The raw public key in `pem`, which must hold a key of `type`; `notAPublicKey` and `wrongType` are what to throw otherwise.
    static func read(
        _ pem: String, type: Int32, notAPublicKey: any Error, wrongType: any Error, raw: (OpaquePointer) throws -> [UInt8]
    ) throws -> [UInt8] {
        try OpenSSLBIO.reading(pem) { bio in
            guard let key = PEM_read_bio_PUBKEY(bio, nil, nil, nil) else {
                ERR_clear_error()
                throw notAPublicKey
            }
            defer { EVP_PKEY_free(key) }
            guard EVP_PKEY_get_base_id(key) == type else { throw wrongType }
            return try raw(key)
        }
    }

    /// The PEM of the public key `key` (which stays the caller's to free).
    static func write(_ key: OpaquePointer) throws -> String {
        try OpenSSLBIO.writing { bio in
            guard PEM_write_bio_PUBKEY(bio, key) == 1 else { throw CryptoError.fromOpenSSL("PEM_write_bio_PUBKEY") }
        }
    }
}
