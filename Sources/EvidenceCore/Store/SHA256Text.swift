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

    private static func areDigits(_ utf8: UnsafeRawBufferPointer) -> Bool {
        // Without an early exit, and one wrapping comparison per range: a loop the compiler can vectorise.
        var others: UInt8 = 0
        for byte in utf8 {
            others |= byte &- UInt8(ascii: "0") < 10 || byte &- UInt8(ascii: "a") < 6 ? 0 : 1
        }
        return others == 0
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
