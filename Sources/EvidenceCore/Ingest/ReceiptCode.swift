import EvidenceCrypto
import Foundation

/// Receipt codes: 25 random decimal digits (83 bits) in five groups, typed easily on any phone keypad,
/// in any keyboard layout. Only an HMAC of the code is stored.
public enum ReceiptCode {
    public static let groups = 5
    public static let groupLength = 5

    /// A new code, e.g. "48213-09127-55610-73302-18845".
    public static func generate() -> String {
        var digits: [Character] = []
        while digits.count < groups * groupLength {
            for byte in SecureRandom.bytes(count: 32) where byte < 250 && digits.count < groups * groupLength {
                // Rejection sampling keeps every digit uniform: 250 is the largest multiple of 10 below 256.
                digits.append(Character(String(byte % 10)))
            }
        }
        return stride(from: 0, to: digits.count, by: groupLength)
            .map { String(digits[$0..<$0 + groupLength]) }
            .joined(separator: "-")
    }

    /// The code with spaces, dashes and other separators removed, or nil when it is not 25 digits.
    public static func normalise(_ input: String) -> String? {
        let digits = input.filter { $0.isASCII && $0.isNumber }
        let others = input.filter { !($0.isASCII && $0.isNumber) && !" -\t\n\r.".contains($0) }
        guard others.isEmpty, digits.count == groups * groupLength else { return nil }
        return String(digits)
    }

    /// The keyed hash under which a code is stored and looked up.
    public static func keyedHash(_ code: String, key: [UInt8]) -> Data? {
        guard let digits = normalise(code) else { return nil }
        return Data(HMACSHA256.authenticationCode(key: key, message: Array(digits.utf8)))
    }
}
