import COpenSSL

/// Bytes from OpenSSL's CSPRNG.
public enum SecureRandom {
    /// Returns `count` cryptographically secure random bytes; stops the process if the CSPRNG fails.
    public static func bytes(count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                guard RAND_bytes(buffer.baseAddress, Int32(count)) == 1 else {
                    fatalError("the system's random number generator failed: \(drainOpenSSLErrors())")
                }
            }
            initialized = count
        }
    }
}
