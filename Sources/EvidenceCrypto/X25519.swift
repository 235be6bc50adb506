import COpenSSL

/// Raw X25519 operations over OpenSSL EVP_PKEY objects; callers free what they receive.
enum X25519 {
    /// A fixed private key used only to test public keys for low-order points.
    static let probePrivateKey = [UInt8](repeating: 0x42, count: 32)

    static func privateKey(raw: [UInt8]) throws -> OpaquePointer {
        try RawKey.privateKey(EVP_PKEY_X25519, raw: raw, name: "X25519")
    }

    static func publicKey(raw: [UInt8]) throws -> OpaquePointer {
        try RawKey.publicKey(EVP_PKEY_X25519, raw: raw, name: "X25519")
    }

    static func rawPublicKey(of key: OpaquePointer) throws -> [UInt8] {
        try RawKey.rawPublicKey(of: key, name: "X25519")
    }

    static func rawPrivateKey(of key: OpaquePointer) throws -> [UInt8] {
        try RawKey.rawPrivateKey(of: key, name: "X25519")
    }

    /// X25519(privateKey, publicKey); throws if OpenSSL refuses, which it does for an all-zero result.
    static func sharedSecret(privateKey: [UInt8], publicKey: [UInt8]) throws -> [UInt8] {
        let ours = try self.privateKey(raw: privateKey)
        defer { EVP_PKEY_free(ours) }
        let theirs = try self.publicKey(raw: publicKey)
        defer { EVP_PKEY_free(theirs) }
        guard let context = EVP_PKEY_CTX_new(ours, nil) else { throw CryptoError.fromOpenSSL("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 32
        var secret = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_derive_init(context) == 1,
            EVP_PKEY_derive_set_peer(context, theirs) == 1,
            EVP_PKEY_derive(context, &secret, &length) == 1, length == 32
        else { throw CryptoError.fromOpenSSL("X25519 key agreement") }
        return secret
    }
}
