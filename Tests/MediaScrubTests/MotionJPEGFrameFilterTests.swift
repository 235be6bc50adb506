import Testing
@testable import MediaScrub

@Suite("Motion JPEG frame filter")
struct MotionJPEGFrameFilterTests {
    /// A JPEG segment: marker, big-endian length, payload.
    static func segment(_ code: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, code, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 0xFF)] + payload
    }

    static func zeroed(_ code: UInt8, _ payload: [UInt8]) -> [UInt8] {
        segment(code, [UInt8](repeating: 0, count: payload.count))
    }

    /// Two interlaced fields, each with metadata segments before and between its scans; entropy data with stuffed
    /// 0xFF bytes, restart markers and fill bytes. With `cleaned`, what the filter should make of it.
    static func frame(cleaned: Bool) -> [UInt8] {
        let exif = Array("Exif\0\0MARKER-model".utf8), comment = Array("MARKER-comment".utf8), maker = Array("MARKER-app13".utf8)
        let avi1 = Array("AVI1\u{1}\0\0\0".utf8), adobe = Array("Adobe\0\u{64}\0\0\0\0\u{1}".utf8)
        let tables = segment(0xDB, [0] + Array(1...64)) + segment(0xC0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]) + segment(0xC4, [0] + [UInt8](repeating: 0, count: 16))
        let entropy: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0x00, 0x78]
        let scan = segment(0xDA, [1, 1, 0, 0, 63, 0]) + entropy
        func field(_ first: Bool) -> [UInt8] {
            let metadata = cleaned ? zeroed(0xE1, exif) + zeroed(0xFE, comment) : segment(0xE1, exif) + segment(0xFE, comment)
            let between = cleaned ? zeroed(0xED, maker) : segment(0xED, maker)
            return [0xFF, 0xD8] + segment(0xE0, avi1) + (first ? segment(0xEE, adobe) : []) + metadata + tables + scan + between + scan
                + [0xFF, 0xFF, 0xD9]
        }
        return field(true) + field(false) + [0, 0]
    }

    @Test("zeroes APP1–13, APP15 and COM payloads in every field, keeps APP0, APP14, tables and entropy data", arguments: [1, 5, 1 << 16])
    func filters(pieceSize: Int) {
        let input = Self.frame(cleaned: false)
        var filter = MotionJPEGFrameFilter()
        var output: [UInt8] = []
        for start in stride(from: 0, to: input.count, by: pieceSize) {
            output += filter.filter(input[start..<min(start + pieceSize, input.count)])
        }
        #expect(output == Self.frame(cleaned: true))
        #expect(filter.zeroedData)
    }

    @Test("copies unchanged what is not a JPEG image, or stops being one", arguments: [
        [0x00, 0x00, 0x00, 0x01, 0x67, 0xFF, 0xE1, 0x00, 0x04, 0x41, 0x42],
        [0xFF, 0xD8, 0x12, 0xFF, 0xE1, 0x00, 0x04, 0x41, 0x42],
        [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0x41, 0x42, 0xFF, 0xFE, 0x00, 0x04, 0x41, 0x42],
        [0xFF, 0xD8, 0xFF, 0xD0, 0xFF, 0xE1, 0x00, 0x04, 0x41, 0x42],
    ] as [[UInt8]])
    func leavesOthers(bytes: [UInt8]) {
        var filter = MotionJPEGFrameFilter()
        #expect(filter.filter(bytes[...]) == bytes)
        #expect(!filter.zeroedData)
    }
}
