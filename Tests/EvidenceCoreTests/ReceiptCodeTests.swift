import EvidenceCore
import Foundation
import Testing

struct ReceiptCodeTests {
    @Test("codes are five groups of five digits and do not repeat")
    func format() {
        let codes = (0..<2000).map { _ in ReceiptCode.generate() }
        #expect(Set(codes).count == codes.count)
        for code in codes {
            let groups = code.split(separator: "-")
            #expect(groups.count == 5)
            #expect(groups.allSatisfy { $0.count == 5 && $0.allSatisfy(\.isNumber) })
        }
        // Every digit appears in every position over many codes: no position is fixed.
        for position in 0..<25 {
            let digits = Set(codes.map { Array($0.filter(\.isNumber))[position] })
            #expect(digits.count == 10)
        }
    }

    @Test("a code typed with spaces or without dashes is the same code; anything else is refused")
    func normalise() {
        let code = "12345-67890-12345-67890-12345"
        #expect(ReceiptCode.normalise(code) == "1234567890123456789012345")
        #expect(ReceiptCode.normalise("12345 67890 12345 67890 12345") == "1234567890123456789012345")
        #expect(ReceiptCode.normalise(" 1234567890123456789012345\n") == "1234567890123456789012345")
        #expect(ReceiptCode.normalise("12345-67890-12345-67890-1234") == nil)
        #expect(ReceiptCode.normalise("12345-67890-12345-67890-1234a") == nil)
        #expect(ReceiptCode.normalise("１2345-67890-12345-67890-12345") == nil, "full-width digits are not ASCII")
    }

    @Test("the stored hash depends on the code and the key, not on how the code was typed")
    func keyedHash() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let other = [UInt8](repeating: 8, count: 32)
        let a = try #require(ReceiptCode.keyedHash("12345-67890-12345-67890-12345", key: key))
        #expect(ReceiptCode.keyedHash("12345 67890 12345 67890 12345", key: key) == a)
        #expect(ReceiptCode.keyedHash("12345-67890-12345-67890-12345", key: other) != a)
        #expect(ReceiptCode.keyedHash("12345-67890-12345-67890-12346", key: key) != a)
        #expect(a.count == 32)
        #expect(ReceiptCode.keyedHash("not a code", key: key) == nil)
    }
}
