import COpenSSL

/// Failures of the cryptographic primitives themselves: wrong key sizes, or OpenSSL refusing an operation.
public enum CryptoError: Error, Equatable, CustomStringConvertible {
    /// A symmetric key had the wrong length.
    case invalidKeyLength(expected: Int, actual: Int)
    /// OpenSSL reported an error; `operation` names the call, `detail` is OpenSSL's own message.
    case openSSL(operation: String, detail: String)

    public var description: String {
        switch self {
        case .invalidKeyLength(let expected, let actual):
            return "a key must be \(expected) bytes long, but \(actual) bytes were given"
        case .openSSL(let operation, let detail):
            return "OpenSSL failed in \(operation): \(detail); check that libcrypto is OpenSSL 3 and not damaged"
        }
    }

    /// Builds an `.openSSL` error from the thread's OpenSSL error queue, and empties the queue.
    static func fromOpenSSL(_ operation: String) -> CryptoError {
        .openSSL(operation: operation, detail: drainOpenSSLErrors())
    }
}

/// Returns OpenSSL's queued error messages joined by "; " (or "no details") and clears the queue.
func drainOpenSSLErrors() -> String {
    var messages: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.isEmpty ? "no details" : messages.joined(separator: "; ")
}
