import Testing
@testable import MediaScrub

@Suite("Exif orientation")
struct JPEGOrientationTests {
    static func exif(bigEndian: Bool, entries: [(tag: UInt16, type: UInt16, count: UInt32, value: UInt16)], ifdOffset: UInt32 = 8) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16)) }
        var tiff: [UInt8] = Array((bigEndian ? "MM" : "II").utf8) + u16(42) + u32(ifdOffset)
        tiff += u16(UInt16(entries.count))
        for entry in entries {
            tiff += u16(entry.tag) + u16(entry.type) + u32(entry.count) + u16(entry.value) + [0, 0]
        }
        tiff += u32(0)
        return Array("Exif\0\0".utf8) + tiff
    }

    @Test("reads orientation in both byte orders", arguments: [true, false])
    func bothByteOrders(bigEndian: Bool) {
        let payload = Self.exif(bigEndian: bigEndian, entries: [(0x010F, 2, 4, 0), (0x0112, 3, 1, 8)])
        #expect(JPEGOrientation.orientation(inExifPayload: payload) == 8)
    }

    @Test("ignores a missing, out-of-range, mistyped or out-of-bounds orientation")
    func rejectsNonsense() {
        #expect(JPEGOrientation.orientation(inExifPayload: Self.exif(bigEndian: true, entries: [(0x010F, 2, 4, 0)])) == nil)
        #expect(JPEGOrientation.orientation(inExifPayload: Self.exif(bigEndian: true, entries: [(0x0112, 3, 1, 9)])) == nil)
        #expect(JPEGOrientation.orientation(inExifPayload: Self.exif(bigEndian: true, entries: [(0x0112, 4, 1, 6)])) == nil)
        #expect(JPEGOrientation.orientation(inExifPayload: Self.exif(bigEndian: false, entries: [(0x0112, 3, 1, 6)], ifdOffset: 0xFFFF_FFF0)) == nil)
        #expect(JPEGOrientation.orientation(inExifPayload: Array(Self.exif(bigEndian: false, entries: [(0x0112, 3, 1, 6)]).prefix(20))) == nil)
        #expect(JPEGOrientation.orientation(inExifPayload: Array("Exif\0\0XX".utf8)) == nil)
    }

    @Test("the minimal segment reads back and holds only IFD0 with one entry", arguments: 1...8)
    func minimalRoundTrip(orientation: Int) {
        let segment = JPEGOrientation.minimalExifSegment(orientation: orientation)
        #expect(segment.count == 36)
        #expect(Array(segment[0..<4]) == [0xFF, 0xE1, 0x00, 0x22])
        #expect(JPEGOrientation.orientation(inExifPayload: Array(segment[4...])) == orientation)
        #expect(Array(segment[14..<20]) == [0x00, 0x00, 0x00, 0x08, 0x00, 0x01])
        #expect(Array(segment[32..<36]) == [0, 0, 0, 0])
    }
}
