import Foundation

/// The profile description ('desc' tag), which cameras and phones fill with their maker's name ("Nikon sRGB
/// 4.0.0.3001", "sRGB (Minolta Co.,Ltd.)"), rewritten to a neutral name of the profile's colour space.
extension ICCProfile {
    /// The profile description and Apple's localized descriptions ('dscm', the same names in several languages).
    static let descriptionTags: Set<String> = ["desc", "dscm"]

    /// Names of the header's colour space signatures (ICC.1 table 19); others read "Colour".
    static let colourSpaceNames: [String: String] = [
        "XYZ ": "XYZ", "Lab ": "Lab", "Luv ": "Luv", "YCbr": "YCbCr", "Yxy ": "Yxy", "RGB ": "RGB", "GRAY": "Gray",
        "HSV ": "HSV", "HLS ": "HLS", "CMYK": "CMYK", "CMY ": "CMY", "2CLR": "2 colour", "3CLR": "3 colour",
        "4CLR": "4 colour", "5CLR": "5 colour", "6CLR": "6 colour", "7CLR": "7 colour", "8CLR": "8 colour",
        "9CLR": "9 colour", "ACLR": "10 colour", "BCLR": "11 colour", "CCLR": "12 colour", "DCLR": "13 colour",
        "ECLR": "14 colour", "FCLR": "15 colour",
    ]

    /// The most samples of a 'curv' tone curve compared with sRGB's; real ones have 26 to 4096.
    static let maximumCurveSamples = 65_536

    /// sRGB's red, green and blue colorants adapted to D50, as the rXYZ, gXYZ and bXYZ tags hold them.
    static let sRGBColorants: [(String, [Double])] = [
        ("rXYZ", [0.4361, 0.2225, 0.0139]), ("gXYZ", [0.3851, 0.7169, 0.0971]), ("bXYZ", [0.1431, 0.0606, 0.7141]),
    ]

    /// Rewrites the description tags of `profile` (its colour space, colorants and curves as received) to its neutral
    /// description, adding their contents to `done`; the description when that changed a byte, else nil. Throws when
    /// a description lies outside the profile or shares bytes with a tag that describes colour.
    static func describeNeutrally(_ profile: inout [UInt8], tags: [Tag], done: inout [Range<Int>]) throws -> String? {
        let description = neutralDescription(of: profile, tags: tags)
        let colourTags = tags.filter { !deviceDescriptionTags.contains($0.signature) && !descriptionTags.contains($0.signature) }
            .compactMap { tag in tag.range(in: profile.count, clamped: true).map { (tag.signature, $0) } }
        var changed = false
        for tag in tags where descriptionTags.contains(tag.signature) {
            guard let range = tag.range(in: profile.count) else {
                throw ScrubError.malformed("ICC tag \(tag.signature) lies outside the profile")
            }
            if let (colourTag, _) = colourTags.first(where: { $0.1.overlaps(range) }) {
                throw ScrubError.malformed("ICC tag \(tag.signature) shares its bytes with tag \(colourTag)")
            }
            let type = String(decoding: profile[range.prefix(4)], as: UTF8.self)
            let start = descriptionStart(type: type, size: range.count, text: description)
            // The zeros after the text are written only where no earlier tag wrote.
            let text = (range.lowerBound + 8)..<(range.lowerBound + 8 + start.count)
            let zeros = parts(of: text.upperBound..<range.upperBound, outside: done)
            if !profile[text].elementsEqual(start) || zeros.contains(where: { profile[$0].contains { $0 != 0 } }) {
                profile.replaceSubrange(text, with: start)
                for part in zeros { profile.replaceSubrange(part, with: repeatElement(0, count: part.count)) }
                changed = true
            }
            done = ZeroRanges(done + [(range.lowerBound + 8)..<range.upperBound]).ranges
        }
        return changed ? description : nil
    }

    /// The neutral description of `profile`: "sRGB" when its colorants and tone curves are sRGB's, else the
    /// name of its colour space.
    static func neutralDescription(of profile: [UInt8], tags: [Tag]) -> String {
        let colourSpace = String(decoding: profile[16..<20], as: UTF8.self)
        if colourSpace == "RGB ", isSRGB(profile, tags: tags) { return "sRGB" }
        return colourSpaceNames[colourSpace] ?? "Colour"
    }

    /// The bytes a description tag of `type` and `size` bytes starts with from its byte 8 on (its type and
    /// reserved bytes stay) to hold `text`: the ASCII part of a v2 'desc', one en-US record of a v4 'mluc', or a
    /// 'text'. Zeros follow them to the tag's end, which also empty the Unicode and ScriptCode parts of a v2 'desc'.
    /// Nothing (all zeros: an empty description) when the text does not fit or the type is another.
    static func descriptionStart(type: String, size: Int, text: String) -> [UInt8] {
        let ascii = Array(text.utf8)
        let start: [UInt8]
        switch type {
        case "desc": start = bigEndian32Bytes(ascii.count + 1) + ascii + [0]
        case "mluc":
            let utf16 = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            start = bigEndian32Bytes(1) + bigEndian32Bytes(12) + Array("enUS".utf8) + bigEndian32Bytes(utf16.count)
                + bigEndian32Bytes(28) + utf16
        case "text": start = ascii + [0]
        default: start = []
        }
        return start.count <= size - 8 ? start : []
    }

    /// Whether the profile's colorants and its three tone curves are sRGB's, within what 16-bit fixed point
    /// and different makers' rounding allow.
    static func isSRGB(_ profile: [UInt8], tags: [Tag]) -> Bool {
        func range(_ signature: String) -> Range<Int>? {
            tags.first { $0.signature == signature }?.range(in: profile.count)
        }
        for (signature, expected) in sRGBColorants {
            guard let xyz = range(signature), xyz.count >= 20, profile[xyz.prefix(4)].elementsEqual("XYZ ".utf8) else { return false }
            for (index, value) in expected.enumerated() where abs(s15Fixed16(profile, at: xyz.lowerBound + 8 + 4 * index) - value) > 0.002 {
                return false
            }
        }
        return ["rTRC", "gTRC", "bTRC"].allSatisfy { signature in
            guard let curve = range(signature) else { return false }
            return followsSRGBCurve(profile, curve)
        }
    }

    /// Whether the 'curv' or 'para' tone curve at `tag` is sRGB's transfer function, within half a percent
    /// everywhere. Sampled curves of more than `maximumCurveSamples` are not looked at.
    static func followsSRGBCurve(_ profile: [UInt8], _ tag: Range<Int>) -> Bool {
        guard tag.count >= 12 else { return false }
        let start = tag.lowerBound
        let tolerance = 0.005
        switch String(decoding: profile[tag.prefix(4)], as: UTF8.self) {
        case "curv":
            let count = bigEndian32(profile, at: start + 8)
            guard count >= 2, count <= maximumCurveSamples, 12 + 2 * count <= tag.count else { return false }
            return (0..<count).allSatisfy { index in
                let value = Double(Int(profile[start + 12 + 2 * index]) << 8 | Int(profile[start + 13 + 2 * index])) / 65535
                return abs(value - sRGBDecode(Double(index) / Double(count - 1))) <= tolerance
            }
        case "para":
            let function = Int(profile[start + 8]) << 8 | Int(profile[start + 9])
            let parameterCounts = [1, 3, 4, 5, 7]
            guard function < parameterCounts.count, 12 + 4 * parameterCounts[function] <= tag.count else { return false }
            var p = (0..<7).map { $0 < parameterCounts[function] ? s15Fixed16(profile, at: start + 12 + 4 * $0) : 0 }
            switch function {
            case 0: p[1] = 1; p[3] = 0; p[4] = 0
            case 1: p[3] = 0; p[4] = p[1] == 0 ? 0 : -p[2] / p[1]
            case 2: p[5] = p[3]; p[6] = p[3]; p[3] = 0; p[4] = p[1] == 0 ? 0 : -p[2] / p[1]
            case 3: p[5] = 0; p[6] = 0
            default: break
            }
            let (g, a, b, c, d, e, f) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6])
            return (0...255).allSatisfy { step in
                let x = Double(step) / 255
                let y = x >= d ? pow(a * x + b, g) + e : c * x + f
                return abs(y - sRGBDecode(x)) <= tolerance
            }
        default: return false
        }
    }

    /// sRGB's transfer function (IEC 61966-2-1), from encoded value to linear light.
    static func sRGBDecode(_ value: Double) -> Double {
        value <= 0.04045 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
    }

    private static func s15Fixed16(_ bytes: [UInt8], at offset: Int) -> Double {
        Double(Int32(bitPattern: UInt32(bigEndian32(bytes, at: offset)))) / 65536
    }

    private static func bigEndian32Bytes(_ value: Int) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
