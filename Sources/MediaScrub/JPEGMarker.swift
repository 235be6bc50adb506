/// JPEG marker codes (the byte after 0xFF) and the segment knowledge the scrubber needs.
enum JPEGMarker {
    static let soi: UInt8 = 0xD8
    static let eoi: UInt8 = 0xD9
    static let sos: UInt8 = 0xDA
    static let app0: UInt8 = 0xE0
    static let app1: UInt8 = 0xE1
    static let app2: UInt8 = 0xE2
    static let app14: UInt8 = 0xEE
    static let com: UInt8 = 0xFE

    static let jfifSignature: [UInt8] = Array("JFIF\0".utf8)
    static let adobeSignature: [UInt8] = Array("Adobe".utf8)
    static let iccSignature: [UInt8] = Array("ICC_PROFILE\0".utf8)

    /// TEM and RST0–RST7 carry no length.
    static func isStandalone(_ code: UInt8) -> Bool {
        code == 0x01 || (0xD0...0xD7).contains(code)
    }

    /// APP0–APP15 and COM.
    static func isMetadata(_ code: UInt8) -> Bool {
        (0xE0...0xEF).contains(code) || code == com
    }

    /// The allowlist of segments copied byte for byte: SOFn, DHT, DAC, DQT, SOS, DNL, DRI, DHP, EXP.
    static func isImageStructure(_ code: UInt8) -> Bool {
        switch code {
        case 0xC0...0xC7, 0xC9...0xCF: true  // SOF0–SOF15 (0xC4 DHT and 0xCC DAC among them), minus JPG
        case 0xDA...0xDF: true  // SOS, DQT, DNL, DRI, DHP, EXP
        default: false
        }
    }

    /// "0xFFDB" style name of a marker.
    static func name(_ code: UInt8) -> String {
        "0xFF" + hex(code).dropFirst(2)
    }

    /// "0x0A" style spelling of a byte.
    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }

    /// The report label of a dropped APPn or COM segment, from its marker and signature.
    static func label(_ code: UInt8, payload: [UInt8]) -> String {
        let signatures: [(UInt8, String, String)] = [
            (app0, "JFXX\0", "JFIF extension thumbnail (APP0)"),
            (app1, "Exif\0", "Exif (APP1)"),
            (app1, "http://ns.adobe.com/xap/1.0/\0", "XMP (APP1)"),
            (app1, "http://ns.adobe.com/xmp/extension/\0", "Extended XMP (APP1)"),
            (app1, "FLIR\0", "FLIR (APP1)"),
            (0xE2, "ICC_PROFILE\0", "ICC profile (APP2)"),
            (0xE2, "MPF\0", "MPF (APP2)"),
            (0xE2, "FPXR\0", "FlashPix (APP2)"),
            (0xED, "Photoshop 3.0\0", "IPTC/Photoshop (APP13)"),
        ]
        if code == com { return "comment (COM)" }
        for (marker, signature, label) in signatures where marker == code && payload.starts(with: signature.utf8) {
            return label
        }
        return "APP\(code - app0)"
    }

    /// An APP14 "Adobe" segment with version 100, both flag words 0 and the given colour transform.
    static func canonicalAdobeSegment(transform: UInt8) -> [UInt8] {
        [0xFF, app14, 0x00, 0x0E] + adobeSignature + [0x00, 0x64, 0x00, 0x00, 0x00, 0x00, transform]
    }

    static func bigEndian16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
