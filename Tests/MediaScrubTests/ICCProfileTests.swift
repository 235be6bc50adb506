@testable import MediaScrub
import Testing

struct ICCProfileTests {
    /// A minimal v4 profile: header, a 'desc' tag and a 'dmnd' tag, with identifying header fields set.
    static func profile() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 128)
        bytes[36..<40] = ArraySlice("acsp".utf8)
        bytes[24..<36] = [0x07, 0xE1, 0, 7, 0, 7, 0, 13, 0, 22, 0, 32]  // 2017-07-07 13:22:32
        bytes[48..<52] = ArraySlice("APPL".utf8)
        bytes[52..<56] = ArraySlice("iPh8".utf8)
        bytes[80..<84] = ArraySlice("appl".utf8)
        bytes[84..<100] = ArraySlice(repeating: 0xAB, count: 16)
        let desc = Array("desc".utf8) + [0, 0, 0, 0] + [0, 0, 0, 11] + Array("Display P3\0".utf8)
        let dmnd = Array("desc".utf8) + [0, 0, 0, 0] + [0, 0, 0, 11] + Array("Apple Inc.\0".utf8)
        let tableSize = 4 + 2 * 12
        let descOffset = 128 + tableSize
        let dmndOffset = descOffset + desc.count
        func be(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        bytes += be(2) + Array("desc".utf8) + be(descOffset) + be(desc.count) + Array("dmnd".utf8) + be(dmndOffset) + be(dmnd.count)
        bytes += desc + dmnd
        bytes[0..<4] = ArraySlice(be(bytes.count))
        return bytes
    }

    @Test("blanks the date, device, creator, ID and device text, neutralises the description, and nothing else")
    func blanksIdentifyingFields() throws {
        let original = Self.profile()
        let (cleaned, blanked) = try ICCProfile.clean(original)
        #expect(cleaned.count == original.count)
        #expect(cleaned[24..<36].allSatisfy { $0 == 0 } && cleaned[48..<56].allSatisfy { $0 == 0 })
        #expect(cleaned[80..<100].allSatisfy { $0 == 0 })
        #expect(Set(blanked) == ["creation date", "device manufacturer", "device model", "profile creator", "profile ID", "dmnd text",
                                 "description replaced by \"Colour\""])
        #expect(cleaned.firstRange(of: Array("Apple Inc.".utf8)) == nil)
        // The description names the colour space only; the header's colour space field is blank here.
        #expect(cleaned.firstRange(of: Array("Display P3".utf8)) == nil)
        let descStart = 128 + 4 + 2 * 12
        #expect(Array(cleaned[(descStart + 8)..<(descStart + 19)]) == [0, 0, 0, 7] + Array("Colour\0".utf8))
        let changed = zip(original, cleaned).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        let allowed = Set(Array(4..<8) + Array(24..<36) + Array(48..<56) + Array(80..<100) + Array((original.count - 11)..<original.count)
                          + Array((original.count - 15)..<(original.count - 11)) + Array((descStart + 8)..<(descStart + 23)))
        #expect(changed.allSatisfy { allowed.contains($0) })
        // Cleaning again changes nothing.
        let (again, blankedAgain) = try ICCProfile.clean(cleaned)
        #expect(again == cleaned && blankedAgain.isEmpty)
    }

    @Test("refuses profiles whose sizes or tags point outside them")
    func malformed() {
        var wrongSize = Self.profile()
        wrongSize[3] ^= 1
        #expect(throws: ScrubError.self) { try ICCProfile.clean(wrongSize) }
        var tagOutside = Self.profile()
        tagOutside[128 + 4 + 12 + 4] = 0x7F
        #expect(throws: ScrubError.self) { try ICCProfile.clean(tagOutside) }
        #expect(throws: ScrubError.self) { try ICCProfile.clean(Array(Self.profile().prefix(100))) }
    }
}
