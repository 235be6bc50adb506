/// Reads the Exif orientation (TIFF IFD0 tag 0x0112) and writes a minimal Exif segment holding only it.
enum JPEGOrientation {
    /// The first bytes of an APP1 Exif payload; the TIFF structure starts after the sixth byte.
    static let exifSignature: [UInt8] = Array("Exif\0".utf8)
    private static let tiffStart = 6
    private static let orientationTag: UInt16 = 0x0112
    private static let shortType: UInt16 = 3

    /// The IFD0 orientation (1...8) in an APP1 Exif payload, or nil when absent or unreadable.
    static func orientation(inExifPayload payload: [UInt8]) -> Int? {
        guard payload.starts(with: exifSignature), payload.count >= tiffStart + 8 else { return nil }
        let tiff = payload[tiffStart...]
        let base = tiff.startIndex
        let bigEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        func u16(_ at: Int) -> UInt16? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            let a = UInt16(tiff[base + at]), b = UInt16(tiff[base + at + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ at: Int) -> UInt32? {
            guard let first = u16(at), let second = u16(at + 2) else { return nil }
            return bigEndian ? UInt32(first) << 16 | UInt32(second) : UInt32(second) << 16 | UInt32(first)
        }
        guard u16(2) == 42, let ifdOffset = u32(4), ifdOffset >= 8, ifdOffset < tiff.count,
              let entryCount = u16(Int(ifdOffset)) else { return nil }
        for index in 0..<Int(entryCount) {
            let entry = Int(ifdOffset) + 2 + 12 * index
            guard let tag = u16(entry), let type = u16(entry + 2), let count = u32(entry + 4),
                  let value = u16(entry + 8) else { return nil }
            if tag == orientationTag {
                guard type == shortType, count == 1, (1...8).contains(value) else { return nil }
                return Int(value)
            }
        }
        return nil
    }

    /// A complete APP1 segment, marker included: Exif header, big-endian TIFF, IFD0 with
    /// the single entry Orientation = `orientation`, next-IFD offset 0.
    static func minimalExifSegment(orientation: Int) -> [UInt8] {
        let value = UInt16(clamping: orientation)
        let tiff: [UInt8] = [
            0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,  // "MM", 42, IFD0 at 8
            0x00, 0x01,  // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,  // Orientation, SHORT, count 1
            UInt8(value >> 8), UInt8(value & 0xFF), 0x00, 0x00,  // value, padding
            0x00, 0x00, 0x00, 0x00,  // no next IFD
        ]
        let payload = exifSignature + [0x00] + tiff
        let length = payload.count + 2
        return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }
}
