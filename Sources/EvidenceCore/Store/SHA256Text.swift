/// A SHA-256 as the store keeps it: 64 lowercase hex digits, held inline, so reading 100,000 rows makes no string
/// per hash. Any other text (only a damaged row would hold one) is kept exactly as it is.
public struct SHA256Text: Sendable, Hashable, CustomStringConvertible {
    private enum Storage: Sendable, Hashable {
        case digits(Digits)
        case other(String)
    }

    /// The 64 ASCII digits in eight words (a struct, not a tuple: a tuple's type metadata is looked up at run time
    /// on every `withUnsafeBytes`, which showed in `list --json`'s profile).
    private struct Digits: Sendable, Hashable {
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
        var w4: UInt64 = 0, w5: UInt64 = 0, w6: UInt64 = 0, w7: UInt64 = 0
    }

    private let storage: Storage

    /// From the text's UTF-8 bytes; a String is made only when they are not 64 lowercase hex digits.
    public init(utf8: UnsafeRawBufferPointer) {
        guard utf8.count == 64, Self.areDigits(utf8) else {
            storage = .other(String(decoding: utf8, as: UTF8.self))
            return
        }
        var digits = Digits()
        withUnsafeMutableBytes(of: &digits) { $0.copyMemory(from: utf8) }
        storage = .digits(digits)
    }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { Self(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Whether all 64 bytes are lowercase hex digits, eight at a time: for a byte under 0x80, adding 0x80 - c sets
    /// its top bit exactly when it is at least c, and no carry crosses into the next byte.
    private static func areDigits(_ utf8: UnsafeRawBufferPointer) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        var valid = true
        for offset in stride(from: 0, to: 64, by: 8) {
            let word = utf8.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let atLeast = { (c: UInt64) in (word &+ ones &* (0x80 - c)) & high }
            let digit = atLeast(0x30) & ~atLeast(0x3A)
            let letter = atLeast(0x61) & ~atLeast(0x67)
            valid = valid && word & high == 0 && digit | letter == high
        }
        return valid
    }

    /// Calls `body` with the text's UTF-8 bytes, without making a String of the digits.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .digits(let digits):
            return try withUnsafeBytes(of: digits) { try body($0) }
        case .other(var text):
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Whether it is 64 lowercase hex digits (text that needs no escaping anywhere).
    public var isHexDigits: Bool {
        if case .digits = storage { true } else { false }
    }

    /// Appends the text's UTF-8 bytes (not generic, unlike `withUTF8`: for a caller in another module in a loop).
    public func appendUTF8(to bytes: inout [UInt8]) {
        withUTF8 { bytes.append(contentsOf: $0) }
    }

    public var description: String {
        switch storage {
        case .digits: withUTF8 { String(decoding: $0, as: UTF8.self) }
        case .other(let text): text
        }
    }
}

extension SHA256Text: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
