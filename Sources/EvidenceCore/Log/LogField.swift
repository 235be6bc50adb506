/// Value checks shared by the log entry kinds.
enum LogField {
    static func count(_ field: String, _ value: Int64) throws(LogEntryError) -> Int64 {
        guard value >= 0 else { throw .invalidValue(field: field, value: String(value), expected: "0 or more") }
        return value
    }

    static func sha256(_ field: String, _ value: String) throws(LogEntryError) -> String {
        let valid = value.utf8.count == 64
            && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard valid else { throw .invalidValue(field: field, value: value, expected: "a SHA-256 as 64 lowercase hex digits") }
        return value
    }

    /// A key fingerprint as `X25519PublicKey.fingerprint` writes it: "sha256:" and 32 lowercase hex digits.
    static func fingerprint(_ field: String, _ value: String) throws(LogEntryError) -> String {
        let hex = value.utf8.dropFirst(7)
        let valid = value.hasPrefix("sha256:") && hex.count == 32
            && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard valid else { throw .invalidValue(field: field, value: value, expected: "a key fingerprint like sha256: and 32 lowercase hex digits") }
        return value
    }

    static func nonEmpty(_ field: String, _ value: String) throws(LogEntryError) -> String {
        guard !value.isEmpty else { throw .invalidValue(field: field, value: value, expected: "not empty") }
        return value
    }

    /// An hour as `HourStamp` writes it: "YYYY-MM-DDTHH:00Z".
    static func hour(_ field: String, _ value: String) throws(LogEntryError) -> String {
        let pattern = Array("dddd-dd-ddTdd:00Z".utf8)
        let bytes = Array(value.utf8)
        let valid = bytes.count == pattern.count
            && zip(bytes, pattern).allSatisfy { byte, want in
                want == UInt8(ascii: "d") ? (0x30...0x39).contains(byte) : byte == want
            }
        guard valid else { throw .invalidValue(field: field, value: value, expected: "an hour like 2026-11-25T09:00Z") }
        return value
    }
}
