import COpenSSL

/// HKDF-SHA256 (RFC 5869), extract-then-expand.
enum HKDFSHA256 {
    /// Derives `length` bytes from `inputKeyMaterial`; an empty salt means HashLen zero bytes, as RFC 5869 says.
    static func deriveKey(inputKeyMaterial: [UInt8], salt: [UInt8], info: [UInt8], length: Int) throws -> [UInt8] {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw CryptoError.fromOpenSSL("EVP_PKEY_CTX_new_id(HKDF)") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_derive_init(context) == 1,
            EVP_PKEY_CTX_set_hkdf_md(context, EVP_sha256()) == 1,
            EVP_PKEY_CTX_set1_hkdf_key(context, inputKeyMaterial, Int32(inputKeyMaterial.count)) == 1,
            salt.isEmpty || EVP_PKEY_CTX_set1_hkdf_salt(context, salt, Int32(salt.count)) == 1,
            EVP_PKEY_CTX_add1_hkdf_info(context, info, Int32(info.count)) == 1
        else { throw CryptoError.fromOpenSSL("HKDF setup") }
        var outputLength = length
        let output = try [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            guard EVP_PKEY_derive(context, buffer.baseAddress, &outputLength) == 1, outputLength == length else {
                throw CryptoError.fromOpenSSL("EVP_PKEY_derive(HKDF)")
            }
            count = length
        }
        return output
    }
}
