import EvidenceCore

/// JSON written straight into bytes, formatted as `JSONEncoder` formats it with `JSONOutput`'s options: strings
/// escaped as it escapes them (`"`, `\`, and control characters: `\b \t \n \f \r`, else `\u00xx` in lowercase hex;
/// `/`, DEL, non-ASCII and U+2028 left as they are), integers in decimal. For output too large for `JSONEncoder`'s
/// pace (`list --json` over a whole store); the tests hold the two byte-for-byte equal.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Bytes as they are: punctuation, indentation and keys.
    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func bool(_ value: Bool) {
        value ? append("true") : append("false")
    }

    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold any UInt64; they are made last first.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    /// A quoted string; runs that need no escaping are copied whole.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A hash as a quoted string, written from its digits without making a String of them (or looking for
    /// characters to escape among hex digits).
    mutating func string(_ value: SHA256Text) {
        guard value.isHexDigits else { return string(value.description) }
        bytes.append(UInt8(ascii: "\""))
        value.appendUTF8(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Valid UTF-8 as a quoted string.
    private mutating func string(utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: utf8[start..<index])
            escape(byte)
            start = index + 1
        }
        bytes.append(contentsOf: utf8[start...])
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x08: append("\\b")
        case 0x09: append("\\t")
        case 0x0A: append("\\n")
        case 0x0C: append("\\f")
        case 0x0D: append("\\r")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            append("\\u00")
            bytes.append(hex[Int(byte >> 4)])
            bytes.append(hex[Int(byte & 0x0F)])
        }
    }
}
