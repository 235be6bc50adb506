import COpenSSL

/// HMAC-SHA256 (RFC 2104).
public enum HMACSHA256 {
    /// Returns the 32-byte HMAC-SHA256 of `message` under `key`.
    public static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticationCode(key: key, message: $0) }
    }

    static func authenticationCode(key: [UInt8], message: UnsafeRawBufferPointer) -> [UInt8] {
        var length: UInt32 = 0
        return [UInt8](unsafeUninitializedCapacity: Int(EVP_MAX_MD_SIZE)) { buffer, count in
            let result = key.withUnsafeBytes { keyBytes in
                HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    buffer.baseAddress, &length)
            }
            guard result != nil else { fatalError("OpenSSL HMAC-SHA256 failed: \(drainOpenSSLErrors())") }
            count = Int(length)
        }
    }

    /// Compares two byte strings in time independent of where they differ.
    static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}
