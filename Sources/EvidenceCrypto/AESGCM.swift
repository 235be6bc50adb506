import COpenSSL

/// One AES-256-GCM key bound to an OpenSSL cipher context, reused for many messages with distinct nonces.
final class AESGCM {
    static let keyLength = 32
    static let nonceLength = 12
    static let tagLength = 16

    private let context: OpaquePointer
    private let encrypting: Bool

    /// Prepares the key for sealing (`encrypting`) or for opening.
    init(key: [UInt8], encrypting: Bool) throws {
        guard key.count == Self.keyLength else { throw CryptoError.invalidKeyLength(expected: Self.keyLength, actual: key.count) }
        guard let context = EVP_CIPHER_CTX_new() else { throw CryptoError.fromOpenSSL("EVP_CIPHER_CTX_new") }
        self.context = context
        self.encrypting = encrypting
        let ready = encrypting
            ? EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nil)
            : EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nil)
        guard ready == 1 else { throw CryptoError.fromOpenSSL("AES-256-GCM init") }
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
    }

    /// Encrypts `plaintext` and writes ciphertext then the 16-byte tag to `output` (plaintext.count + 16 bytes).
    func seal(_ plaintext: UnsafeRawBufferPointer, nonce: [UInt8], into output: UnsafeMutableRawPointer) throws {
        try seal(plaintext, UnsafeRawBufferPointer(start: nil, count: 0), nonce: nonce, into: output)
    }

    /// Encrypts `first` followed by `second` as one message (one nonce, one tag), without joining them first.
    func seal(
        _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer, nonce: [UInt8], into output: UnsafeMutableRawPointer
    ) throws {
        precondition(encrypting && nonce.count == Self.nonceLength)
        let out = output.assumingMemoryBound(to: UInt8.self)
        var written = 0
        guard EVP_EncryptInit_ex(context, nil, nil, nil, nonce) == 1 else { throw CryptoError.fromOpenSSL("AES-256-GCM nonce") }
        func encrypt(_ part: UnsafeRawBufferPointer) throws {
            guard let base = part.baseAddress, !part.isEmpty else { return }
            var partWritten: Int32 = 0
            // GCM is a stream mode: every byte put in comes out at once.
            guard EVP_EncryptUpdate(context, out + written, &partWritten, base.assumingMemoryBound(to: UInt8.self), Int32(part.count)) == 1,
                Int(partWritten) == part.count
            else { throw CryptoError.fromOpenSSL("AES-256-GCM encrypt") }
            written += part.count
        }
        try encrypt(first)
        try encrypt(second)
        var finalWritten: Int32 = 0
        guard EVP_EncryptFinal_ex(context, out + written, &finalWritten) == 1,
            written + Int(finalWritten) == first.count + second.count,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagLength), output + written) == 1
        else { throw CryptoError.fromOpenSSL("AES-256-GCM finish") }
    }

    /// Decrypts `sealed` (ciphertext then tag) into `output` (sealed.count - 16 bytes); false if authentication fails.
    func open(_ sealed: UnsafeRawBufferPointer, nonce: [UInt8], into output: UnsafeMutableRawPointer) throws -> Bool {
        precondition(!encrypting && nonce.count == Self.nonceLength)
        guard sealed.count >= Self.tagLength, let base = sealed.baseAddress else { return false }
        let ciphertextLength = sealed.count - Self.tagLength
        let out = output.assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        guard EVP_DecryptInit_ex(context, nil, nil, nil, nonce) == 1 else { throw CryptoError.fromOpenSSL("AES-256-GCM nonce") }
        if ciphertextLength > 0 {
            guard EVP_DecryptUpdate(context, out, &written, base.assumingMemoryBound(to: UInt8.self), Int32(ciphertextLength)) == 1
            else { throw CryptoError.fromOpenSSL("AES-256-GCM decrypt") }
        }
        let tag = UnsafeMutableRawPointer(mutating: base + ciphertextLength)
        guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagLength), tag) == 1 else {
            throw CryptoError.fromOpenSSL("AES-256-GCM tag")
        }
        var finalWritten: Int32 = 0
        let authentic = EVP_DecryptFinal_ex(context, out + Int(written), &finalWritten) == 1
        ERR_clear_error()
        return authentic
    }

    /// Seals a short message in one call and returns ciphertext then tag.
    func seal(_ plaintext: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: plaintext.count + Self.tagLength) { buffer, count in
            try plaintext.withUnsafeBytes { try seal($0, nonce: nonce, into: UnsafeMutableRawPointer(buffer.baseAddress!)) }
            count = plaintext.count + Self.tagLength
        }
    }

    /// Opens a short message in one call; nil if authentication fails.
    func open(_ sealed: [UInt8], nonce: [UInt8]) throws -> [UInt8]? {
        guard sealed.count >= Self.tagLength else { return nil }
        var authentic = false
        // Capacity of at least 1 so the buffer always has a base address, even for an empty plaintext.
        let plaintext = try [UInt8](unsafeUninitializedCapacity: max(1, sealed.count - Self.tagLength)) { buffer, count in
            authentic = try sealed.withUnsafeBytes { try open($0, nonce: nonce, into: UnsafeMutableRawPointer(buffer.baseAddress!)) }
            count = authentic ? sealed.count - Self.tagLength : 0
        }
        return authentic ? plaintext : nil
    }
}
