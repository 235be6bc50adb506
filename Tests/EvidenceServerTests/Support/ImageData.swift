import Foundation

/// Independent readers of the bytes that must survive scrubbing unchanged: JPEG scan data, PNG image data.
enum ImageData {
    /// A JPEG's bytes from its first SOS marker to the end of image, found by walking the marker segments.
    static func jpegScanData(_ bytes: [UInt8]) -> [UInt8]? {
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            let marker = bytes[index + 1]
            if marker == 0xFF { index += 1; continue }
            if marker == 0xDA {
                guard let end = endOfImage(bytes, after: index) else { return nil }
                return Array(bytes[index..<end])
            }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 2 + length
        }
        return nil
    }

    private static func endOfImage(_ bytes: [UInt8], after start: Int) -> Int? {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == 0xFF && bytes[i + 1] == 0xD9 { return i + 2 }
            i += 1
        }
        return nil
    }

    /// The concatenated data of a PNG's IDAT chunks.
    static func pngImageData(_ bytes: [UInt8]) -> [UInt8] {
        var index = 8
        var data: [UInt8] = []
        while index + 8 <= bytes.count {
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            let type = String(decoding: bytes[index + 4..<index + 8], as: UTF8.self)
            guard index + 12 + length <= bytes.count else { break }
            if type == "IDAT" { data += bytes[index + 8..<index + 8 + length] }
            index += 12 + length
        }
        return data
    }

    /// The chunk types of a PNG, in order.
    static func pngChunkTypes(_ bytes: [UInt8]) -> [String] {
        var index = 8
        var types: [String] = []
        while index + 8 <= bytes.count {
            let length = Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            types.append(String(decoding: bytes[index + 4..<index + 8], as: UTF8.self))
            index += 12 + length
        }
        return types
    }
}
