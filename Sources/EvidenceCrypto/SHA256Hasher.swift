import COpenSSL

/// Incremental SHA-256 over OpenSSL's EVP digest interface.
public final class SHA256Hasher {
    /// Length of a SHA-256 digest in bytes.
    public static let digestLength = 32

    private var context: OpaquePointer?

    /// Starts a new, empty hash.
    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("OpenSSL could not start SHA-256: \(drainOpenSSLErrors())")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    private init(context: OpaquePointer) {
        self.context = context
    }

    /// An independent hasher that has seen the same bytes as this one: both can go on separately.
    public func copy() -> SHA256Hasher {
        guard let context else { preconditionFailure("SHA256Hasher.copy called after finalize()") }
        guard let copied = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
        guard EVP_MD_CTX_copy_ex(copied, context) == 1 else {
            EVP_MD_CTX_free(copied)
            fatalError("OpenSSL could not copy a SHA-256 state: \(drainOpenSSLErrors())")
        }
        return SHA256Hasher(context: copied)
    }

    /// Feeds bytes into the hash.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let context else { preconditionFailure("SHA256Hasher.update called after finalize()") }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
            fatalError("OpenSSL SHA-256 update failed: \(drainOpenSSLErrors())")
        }
    }

    /// Feeds bytes into the hash.
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds bytes into the hash.
    public func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest; the hasher cannot be used afterwards.
    public func finalize() -> [UInt8] {
        guard let context else { preconditionFailure("SHA256Hasher.finalize called twice") }
        defer {
            EVP_MD_CTX_free(context)
            self.context = nil
        }
        var length: UInt32 = 0
        let digest = [UInt8](unsafeUninitializedCapacity: Self.digestLength) { buffer, count in
            guard EVP_DigestFinal_ex(context, buffer.baseAddress, &length) == 1 else {
                fatalError("OpenSSL SHA-256 finalisation failed: \(drainOpenSSLErrors())")
            }
            count = Int(length)
        }
        return digest
    }

    /// Returns the SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
