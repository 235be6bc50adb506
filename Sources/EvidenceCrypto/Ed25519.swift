import COpenSSL

/// Raw Ed25519 operations over OpenSSL EVP_PKEY objects; callers free what they receive.
enum Ed25519 {
    /// Length of a private seed and of a public key in bytes.
    static let keyLength = 32
    /// Length of a signature in bytes.
    static let signatureLength = 64

    static func privateKey(raw: [UInt8]) throws -> OpaquePointer {
        try RawKey.privateKey(EVP_PKEY_ED25519, raw: raw, name: "Ed25519")
    }

    static func publicKey(raw: [UInt8]) throws -> OpaquePointer {
        try RawKey.publicKey(EVP_PKEY_ED25519, raw: raw, name: "Ed25519")
    }

    static func rawPublicKey(of key: OpaquePointer) throws -> [UInt8] {
        try RawKey.rawPublicKey(of: key, name: "Ed25519")
    }

    static func rawPrivateKey(of key: OpaquePointer) throws -> [UInt8] {
        try RawKey.rawPrivateKey(of: key, name: "Ed25519")
    }

    /// Signs `message` with the EVP_PKEY `key` (pure Ed25519, RFC 8032 section 5.1.6).
    static func sign(_ message: [UInt8], with key: OpaquePointer) throws -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.fromOpenSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1 else {
            throw CryptoError.fromOpenSSL("EVP_DigestSignInit(Ed25519)")
        }
        var length = signatureLength
        var signature = [UInt8](repeating: 0, count: signatureLength)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == signatureLength else {
            throw CryptoError.fromOpenSSL("EVP_DigestSign(Ed25519)")
        }
        return signature
    }

    /// True if `signature` is a valid Ed25519 signature of `message` under the EVP_PKEY `key`.
    static func verify(_ signature: [UInt8], for message: [UInt8], with key: OpaquePointer) -> Bool {
        guard signature.count == signatureLength, let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        let valid = EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1
            && EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
        ERR_clear_error()
        return valid
    }
}
