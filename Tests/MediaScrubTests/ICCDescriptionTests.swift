import Foundation
import Testing
@testable import MediaScrub

/// ICC profile descriptions ('desc', v2 textDescription or v4 mluc) that name a camera's maker are rewritten to a
/// neutral name of the colour space, in the tag's own size and type, and "sRGB" only for sRGB's colorants and curves.
struct ICCDescriptionTests {
    /// Profiles laid out by ICC.1 (header, tag count, 12-byte tag entries, 4-byte aligned tag data), written here.
    enum Build {
        static func be32(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
        static func s15(_ value: Double) -> [UInt8] { be32(Int((value * 65536).rounded())) }

        /// v2 textDescriptionType: ASCII count and text, empty Unicode part, empty ScriptCode part.
        static func textDescription(_ text: String) -> [UInt8] {
            let ascii = Array(text.utf8) + [0]
            return Array("desc".utf8) + [0, 0, 0, 0] + be32(ascii.count) + ascii + [UInt8](repeating: 0, count: 8 + 3 + 67)
        }

        /// v4 multiLocalizedUnicodeType with one record per (language+country, text).
        static func mluc(_ records: [(String, String)]) -> [UInt8] {
            var table: [UInt8] = []
            var strings: [UInt8] = []
            for (locale, text) in records {
                let utf16 = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
                table += Array(locale.utf8) + be32(utf16.count) + be32(16 + 12 * records.count + strings.count)
                strings += utf16
            }
            return Array("mluc".utf8) + [0, 0, 0, 0] + be32(records.count) + be32(12) + table + strings
        }

        static func xyz(_ x: Double, _ y: Double, _ z: Double) -> [UInt8] {
            Array("XYZ ".utf8) + [0, 0, 0, 0] + s15(x) + s15(y) + s15(z)
        }

        static func sRGB(_ x: Double) -> Double { x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }

        /// A 'curv' of `count` samples of `function`; one sample is a gamma in u8Fixed8.
        static func curve(_ count: Int, _ function: (Double) -> Double) -> [UInt8] {
            let samples = (0..<count).flatMap { index -> [UInt8] in
                let value = Int((function(Double(index) / Double(max(count - 1, 1))) * 65535).rounded())
                return [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return Array("curv".utf8) + [0, 0, 0, 0] + be32(count) + samples
        }

        static func gamma(_ value: Double) -> [UInt8] {
            Array("curv".utf8) + [0, 0, 0, 0] + be32(1) + [UInt8(value), UInt8((value - value.rounded(.down)) * 256)]
        }

        /// 'para' function type 3, sRGB's: Y = (aX+b)^g for X ≥ d, else cX.
        static let sRGBPara = Array("para".utf8) + [0, 0, 0, 0] + [0, 3, 0, 0]
            + [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045].flatMap(s15)

        static let sRGBColorants: [(String, [UInt8])] = [
            ("rXYZ", xyz(0.4361, 0.2225, 0.0139)), ("gXYZ", xyz(0.3851, 0.7169, 0.0971)), ("bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        ]
        /// Adobe RGB (1998)'s colorants adapted to D50.
        static let adobeColorants: [(String, [UInt8])] = [
            ("rXYZ", xyz(0.6097, 0.3111, 0.0195)), ("gXYZ", xyz(0.2053, 0.6257, 0.0609)), ("bXYZ", xyz(0.1492, 0.0632, 0.7446)),
        ]

        static func trcs(_ body: [UInt8]) -> [(String, [UInt8])] { ["rTRC", "gTRC", "bTRC"].map { ($0, body) } }

        /// A display profile of `colourSpace` ("RGB ", "GRAY", …) and major version `version` holding `tags`.
        static func profile(colourSpace: String, version: UInt8, tags: [(String, [UInt8])]) -> [UInt8] {
            var table = be32(tags.count)
            var data: [UInt8] = []
            let dataStart = 128 + 4 + 12 * tags.count
            for (signature, body) in tags {
                table += Array(signature.utf8) + be32(dataStart + data.count) + be32(body.count)
                data += body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
            }
            var header = [UInt8](repeating: 0, count: 128)
            header.replaceSubrange(0..<4, with: be32(dataStart + data.count))
            header.replaceSubrange(8..<12, with: [version, version == 4 ? 0x30 : 0x10, 0, 0])
            header.replaceSubrange(12..<16, with: Array("mntr".utf8))
            header.replaceSubrange(16..<20, with: Array(colourSpace.utf8))
            header.replaceSubrange(20..<24, with: Array("XYZ ".utf8))
            header.replaceSubrange(36..<40, with: Array("acsp".utf8))
            header.replaceSubrange(48..<52, with: Array("NIKO".utf8))
            header.replaceSubrange(68..<80, with: [0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D])
            return header + table + data
        }
    }

    /// The bytes of the tag `signature` of `profile`, read independently of ICCProfile.
    static func tag(_ signature: String, in profile: [UInt8]) -> [UInt8]? {
        func be32(_ at: Int) -> Int { profile[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        for index in 0..<be32(128) where Array(profile[(132 + 12 * index)..<(136 + 12 * index)]) == Array(signature.utf8) {
            let offset = be32(136 + 12 * index)
            return Array(profile[offset..<offset + be32(140 + 12 * index)])
        }
        return nil
    }

    static func cleanedDescription(_ profile: [UInt8]) throws -> ([UInt8], [String]) {
        let (cleaned, blanked) = try ICCProfile.clean(profile)
        #expect(cleaned.count == profile.count)
        return (try #require(Self.tag("desc", in: cleaned)), blanked)
    }

    @Test("a v2 'desc' naming the maker reads the colour space, with the same size and empty Unicode/ScriptCode parts")
    func textDescription() throws {
        let original = Build.textDescription("Nikon sRGB 4.0.0.3001")
        let profile = Build.profile(colourSpace: "RGB ", version: 2,
                                    tags: [("desc", original)] + Build.adobeColorants + Build.trcs(Build.gamma(2.2)))
        let (desc, blanked) = try Self.cleanedDescription(profile)
        #expect(desc.count == original.count)
        #expect(desc == Array("desc".utf8) + [0, 0, 0, 0] + [0, 0, 0, 4] + Array("RGB\0".utf8)
                + [UInt8](repeating: 0, count: original.count - 16))
        #expect(blanked.contains("description replaced by \"RGB\""))
        #expect(try ICCProfile.clean(ICCProfile.clean(profile).profile).blanked == [], "cleaning again changes nothing")
    }

    @Test("a v4 'mluc' description with several languages becomes one en-US record of the colour space")
    func multiLocalized() throws {
        let original = Build.mluc([("enUS", "Camera RGB Profile by Minolta Co.,Ltd."), ("deDE", "Kamera-RGB-Profil von Minolta")])
        let profile = Build.profile(colourSpace: "GRAY", version: 4, tags: [("desc", original), ("kTRC", Build.gamma(2.2))])
        let (desc, blanked) = try Self.cleanedDescription(profile)
        #expect(desc.count == original.count)
        let gray: [UInt8] = [0, 0x47, 0, 0x72, 0, 0x61, 0, 0x79]
        #expect(desc == Array("mluc".utf8) + [0, 0, 0, 0] + [0, 0, 0, 1, 0, 0, 0, 12] + Array("enUS".utf8) + [0, 0, 0, 8, 0, 0, 0, 28]
                + gray + [UInt8](repeating: 0, count: original.count - 36))
        #expect(blanked.contains("description replaced by \"Gray\""))
        #expect(try ICCProfile.clean(ICCProfile.clean(profile).profile).blanked == [])
    }

    /// Colorant and curve tags of an RGB profile, and the description they earn.
    struct ColourCase: Sendable, CustomTestStringConvertible {
        let name: String
        let tags: [(String, [UInt8])]
        let expected: String
        var testDescription: String { name }
    }

    static let colourCases: [ColourCase] = {
        let srgbCurve: [(String, [UInt8])] = Build.trcs(Build.curve(1024, Build.sRGB))
        let shortCurve: [(String, [UInt8])] = Build.trcs(Build.curve(26, Build.sRGB))
        let para: [(String, [UInt8])] = Build.trcs(Build.sRGBPara)
        let gamma: [(String, [UInt8])] = Build.trcs(Build.gamma(2.2))
        let gammaCurve: [(String, [UInt8])] = Build.trcs(Build.curve(1024) { pow($0, 2.2) })
        let twoColorants: [(String, [UInt8])] = Array(Build.sRGBColorants.prefix(2))
        return [
            ColourCase(name: "sRGB, curv 1024", tags: Build.sRGBColorants + srgbCurve, expected: "sRGB"),
            ColourCase(name: "sRGB, curv 26", tags: Build.sRGBColorants + shortCurve, expected: "sRGB"),
            ColourCase(name: "sRGB, para", tags: Build.sRGBColorants + para, expected: "sRGB"),
            ColourCase(name: "sRGB colorants, gamma 2.2", tags: Build.sRGBColorants + gamma, expected: "RGB"),
            ColourCase(name: "sRGB colorants, curv of gamma 2.2", tags: Build.sRGBColorants + gammaCurve, expected: "RGB"),
            ColourCase(name: "Adobe RGB colorants, sRGB para", tags: Build.adobeColorants + para, expected: "RGB"),
            ColourCase(name: "no bXYZ", tags: twoColorants + para, expected: "RGB"),
        ]
    }()

    @Test("sRGB colorants with sRGB curves ('curv' of 1024 or 26 samples, or 'para') read \"sRGB\"; others read \"RGB\"",
          arguments: colourCases)
    func sRGBDecided(_ colourCase: ColourCase) throws {
        let tags: [(String, [UInt8])] = [("desc", Build.textDescription("Apple sRGB"))] + colourCase.tags
        let profile = Build.profile(colourSpace: "RGB ", version: 2, tags: tags)
        let (desc, _) = try Self.cleanedDescription(profile)
        let expected = Array(colourCase.expected.utf8) + [0]
        #expect(Array(desc[12..<(12 + expected.count)]) == expected)
    }

    @Test("a description too small for the name is emptied; one sharing bytes with a colour tag is refused")
    func unusualLayouts() throws {
        let tiny = Array("mluc".utf8) + [0, 0, 0, 0] + [0, 0, 0, 1, 0, 0, 0, 12] + Array("enUS".utf8) + [0, 0, 0, 2, 0, 0, 0, 28] + [0, 0x4E]
        let profile = Build.profile(colourSpace: "CMYK", version: 4, tags: [("desc", tiny)])
        let (desc, blanked) = try Self.cleanedDescription(profile)
        #expect(desc == Array("mluc".utf8) + [UInt8](repeating: 0, count: tiny.count - 4))
        #expect(blanked.contains("description replaced by \"CMYK\""))

        var shared = Build.profile(colourSpace: "RGB ", version: 2,
                                   tags: [("desc", Build.textDescription("Canon")), ("rXYZ", Build.xyz(0.4, 0.2, 0.01))])
        // Point rXYZ into the description's bytes.
        shared.replaceSubrange(148..<152, with: Build.be32(132 + 24 + 8))
        #expect(throws: ScrubError.malformed("ICC tag desc shares its bytes with tag rXYZ")) { try ICCProfile.clean(shared) }
    }

    @Test("1,024 description tags over the same 4 MB, each shifted by a byte, and sRGB-like curves of 100,000 samples, are quick",
          .timeLimit(.minutes(1)))
    func hostileLayouts() throws {
        let tags = 1024
        let size = 4_000_000
        let start = 128 + 4 + 12 * tags
        var profile = Build.be32(start + tags + size) + [UInt8](repeating: 0, count: 124) + Build.be32(tags)
        profile.replaceSubrange(16..<20, with: "RGB ".utf8)
        profile.replaceSubrange(36..<40, with: "acsp".utf8)
        for index in 0..<tags { profile += Array("desc".utf8) + Build.be32(start + index) + Build.be32(size) }
        profile += [UInt8](repeating: 1, count: tags + size)
        // Rewriting each tag whole would write 4 GB; only the bytes no earlier tag wrote are written.
        let (cleaned, blanked) = try ICCProfile.clean(profile)
        #expect(blanked == ["description replaced by \"RGB\""])
        #expect(cleaned[(start + tags + 16)..<(start + size)].allSatisfy { $0 == 0 } && cleaned.last == 1)

        let longCurve = Build.trcs(Build.curve(100_000, Build.sRGB))
        let curves = Build.profile(colourSpace: "RGB ", version: 2, tags: [("desc", Build.textDescription("X"))] + Build.sRGBColorants + longCurve)
        // sRGB samples, but more than are compared: the profile is only "RGB".
        #expect(try Self.cleanedDescription(curves).0[12..<16].elementsEqual("RGB\0".utf8))
    }
}

/// The same rewrite seen from outside: profiles built from the ICC layout, embedded by exiftool in a JPEG (split
/// over several APP2 segments) and a PNG (iCCP), read back by exiftool after scrubbing.
@Suite("ICC descriptions in JPEG and PNG files",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.compare != nil,
                "needs exiftool and ImageMagick (convert, compare)"))
struct ICCDescriptionFileTests {
    typealias G = GeneratedImage
    typealias Build = ICCDescriptionTests.Build

    /// A profile whose description and device texts name the maker; a private padding tag comes first, so that
    /// in a JPEG the description lies in the second APP2 segment.
    struct ProfileCase: Sendable, CustomTestStringConvertible {
        let name: String
        let ext: String
        let profile: [UInt8]
        let expected: String
        var testDescription: String { "\(name) in \(ext)" }
    }

    static let maker = "Minolta"

    static let cases: [ProfileCase] = {
        let padding: (String, [UInt8]) = ("zpad", Array("zpad".utf8) + [0, 0, 0, 0] + [UInt8](repeating: 0x5A, count: 70_000))
        let dmnd: (String, [UInt8]) = ("dmnd", Build.textDescription("\(maker) Co.,Ltd."))
        let v2Tags: [(String, [UInt8])] = [padding, ("desc", Build.textDescription("sRGB (\(maker) Co.,Ltd.)")), dmnd]
            + Build.sRGBColorants + Build.trcs(Build.curve(1024, Build.sRGB))
        let v4Tags: [(String, [UInt8])] = [padding, ("desc", Build.mluc([("enUS", "Camera RGB Profile \(maker)"), ("frFR", "RVB \(maker)")])),
                                           ("dmnd", Build.mluc([("enUS", "\(maker) Co.,Ltd.")]))]
            + Build.adobeColorants + Build.trcs(Build.sRGBPara)
        let v2 = Build.profile(colourSpace: "RGB ", version: 2, tags: v2Tags)
        let v4 = Build.profile(colourSpace: "RGB ", version: 4, tags: v4Tags)
        return ["jpg", "png"].flatMap { ext in
            [ProfileCase(name: "v2 desc", ext: ext, profile: v2, expected: "sRGB"),
             ProfileCase(name: "v4 mluc", ext: ext, profile: v4, expected: "RGB")]
        }
    }()

    @Test("exiftool finds only the neutral description and no maker name; pixels and size are kept", arguments: cases)
    func neutralInFile(_ profileCase: ProfileCase) throws {
        let dir = try G.WorkDirectory()
        let image = dir.path("image." + profileCase.ext)
        try G.run(Tool.convert!, ["-size", "48x32", "gradient:red-blue", (profileCase.ext == "png" ? "PNG24:" : "") + image])
        try dir.write(profileCase.profile, to: "profile.icc")
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-ICC_Profile<=" + dir.path("profile.icc"), image])
        let original = try dir.read("image." + profileCase.ext)
        #expect(try G.exiftoolText(image).contains(Self.maker), "the oracle must see the maker in the original")
        if profileCase.ext == "jpg" {
            let segments = try #require(JPEGLayout(original)).headerSegments.filter { $0.marker == 0xE2 }
            #expect(segments.count >= 2, "the profile must span two APP2 segments")
        }
        let (cleaned, report) = try scrub(original)
        let output = dir.path("cleaned." + profileCase.ext)
        try dir.write(cleaned, to: "cleaned." + profileCase.ext)
        #expect(!(try G.exiftoolText(output).contains(Self.maker)), "a maker name is left")
        let tags = try Tool.exiftoolTags(cleaned, ext: profileCase.ext)
        let description = tags.first { $0.key.hasPrefix("ICC_Profile:") && $0.key.hasSuffix(":ProfileDescription") }?.value as? String
        #expect(description == profileCase.expected)
        #expect(report.removed.contains { $0.what.contains("description replaced by \"\(profileCase.expected)\"") })
        #expect(try G.differingPixels(image, output) == 0)
        #expect(try Tool.decodedPixels(original, ext: profileCase.ext) == Tool.decodedPixels(cleaned, ext: profileCase.ext))
        #expect(cleaned.count <= original.count + 64)
    }

    /// The corpus holds real profiles from Adobe, HP and camera makers: each keeps its colour space in its new name,
    /// and the sRGB ones (whose curves and colorants differ slightly from maker to maker) read "sRGB".
    @Test("corpus profiles are named by their colour space, sRGB ones \"sRGB\"",
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"), arguments: Corpus.jpegFiles + Corpus.pngFiles)
    func corpusProfiles(path: String) throws {
        let ext = path.lowercased().hasSuffix(".png") ? "png" : "jpg"
        let original = try Corpus.bytes(path)
        func header(_ tags: [String: Any], _ name: String) -> String? {
            tags.first { $0.key.hasPrefix("ICC_Profile:") && $0.key.hasSuffix(":" + name) }.map { "\($0.value)" }
        }
        let before = try Tool.exiftoolTags(original, ext: ext)
        guard let description = header(before, "ProfileDescription"), let space = header(before, "ColorSpaceData") else { return }
        let cleaned = try scrub(original).output
        let after = try #require(header(try Tool.exiftoolTags(cleaned, ext: ext), "ProfileDescription"))
        let expected = description.hasPrefix("sRGB") ? "sRGB" : ICCProfile.colourSpaceNames[space] ?? "Colour"
        #expect(after == expected, "\(path): \(description) (\(space)) became \(after)")
    }
}
