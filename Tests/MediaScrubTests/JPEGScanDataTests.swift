@testable import MediaScrub
import Testing

struct JPEGScanDataTests {
    /// The rule read straight from the JPEG standard, one byte at a time: the oracle for the fast scan.
    static func reference(_ bytes: [UInt8]) -> (Int, UInt8?) {
        var index = 0
        while index < bytes.count {
            if bytes[index] != 0xFF { index += 1; continue }
            if index + 1 == bytes.count { return (index, nil) }
            switch bytes[index + 1] {
            case 0x00, 0xD0...0xD7: index += 2
            case 0xFF: index += 1
            default: return (index, bytes[index + 1])
            }
        }
        return (bytes.count, nil)
    }

    @Test("the scan agrees with the byte-at-a-time rule on 20,000 random buffers dense with FF, stuffing and markers")
    func agreesWithReference() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0xFF, 0xFF, 0x00, 0xD0, 0xD7, 0xD8, 0xD9, 0xC4, 0x12, 0xFE]
        for _ in 0..<20_000 {
            let count = Int.random(in: 0..<80, using: &generator)
            let density = Int.random(in: 1...40, using: &generator)
            let bytes: [UInt8] = (0..<count).map { _ in
                Int.random(in: 0..<density, using: &generator) == 0
                    ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0...0xFE, using: &generator)
            }
            let fast = bytes.withUnsafeBufferPointer(JPEGScanData.scan)
            let slow = Self.reference(bytes)
            #expect(fast.0 == slow.0 && fast.1 == slow.1, "\(bytes)")
            if fast.0 != slow.0 || fast.1 != slow.1 { return }
        }
    }
}
