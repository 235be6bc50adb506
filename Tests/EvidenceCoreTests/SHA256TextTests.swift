import EvidenceCore
import Foundation
import Testing

struct SHA256TextTests {
    static let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

    static func utf8(_ text: SHA256Text) -> [UInt8] { text.withUTF8 { Array($0) } }

    @Test("a hash in lowercase hex comes back exactly, from a String or from its bytes, and the two are equal")
    func digits() {
        let fromString = SHA256Text(Self.digest)
        let fromBytes = Array(Self.digest.utf8).withUnsafeBytes { SHA256Text(utf8: $0) }
        #expect(fromString.description == Self.digest)
        #expect(Self.utf8(fromBytes) == Array(Self.digest.utf8))
        #expect(fromString == fromBytes)
        #expect(fromString.isHexDigits)
        var appended: [UInt8] = [1]
        fromString.appendUTF8(to: &appended)
        #expect(appended == [1] + Array(Self.digest.utf8))
        #expect(fromString.hashValue == fromBytes.hashValue)
        #expect(SHA256Text(Self.digest) != SHA256Text(String(Self.digest.dropLast()) + "9"))
    }

    @Test("any other text, as only a damaged row would hold, is kept exactly as it was",
          arguments: [
            "", "ab", digest.uppercased(), String(digest.dropLast()), digest + "0", String(digest.dropLast()) + "g",
            String(digest.dropLast()) + "\"", "é" + String(digest.dropLast(2)), "\u{0}" + String(digest.dropFirst()),
          ])
    func otherText(text: String) {
        let value = SHA256Text(text)
        #expect(value.description == text)
        #expect(Self.utf8(value) == Array(text.utf8))
        #expect(value != SHA256Text(Self.digest))
        #expect(!value.isHexDigits)
        var appended: [UInt8] = []
        value.appendUTF8(to: &appended)
        #expect(appended == Array(text.utf8))
    }

    @Test("held inline exactly when every byte is a lowercase hex digit: each byte value at each position")
    func everyByteAtEveryPosition() {
        let hex = Set("0123456789abcdef".utf8)
        for position in 0..<64 {
            for value in UInt8.min...UInt8.max {
                var bytes = Array(Self.digest.utf8)
                bytes[position] = value
                let text = bytes.withUnsafeBytes { SHA256Text(utf8: $0) }
                #expect(text.isHexDigits == hex.contains(value), "byte \(value) at \(position)")
                // Bytes that are not UTF-8 come back repaired, as any text read from the database does.
                #expect(Self.utf8(text) == Array(String(decoding: bytes, as: UTF8.self).utf8))
            }
        }
    }

    @Test("it is written to JSON and read back as the plain string")
    func codable() throws {
        for text in [Self.digest, "not a hash \" \\"] {
            let encoded = try JSONEncoder().encode([SHA256Text(text)])
            #expect(try JSONDecoder().decode([String].self, from: encoded) == [text])
            #expect(try JSONDecoder().decode([SHA256Text].self, from: encoded) == [SHA256Text(text)])
        }
    }
}
