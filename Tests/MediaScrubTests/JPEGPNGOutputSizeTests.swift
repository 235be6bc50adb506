import Foundation
import Testing
@testable import MediaScrub

/// Cleaned JPEG and PNG files are never larger than what came in, beyond the 64 bytes a kept orientation may add:
/// a cleaned iCCP profile is compressed again, not stored.
@Suite("JPEG and PNG outputs do not grow",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.compare != nil,
                "needs exiftool and ImageMagick (convert, compare)"))
struct JPEGPNGOutputSizeTests {
    typealias G = GeneratedImage
    typealias Build = ICCDescriptionTests.Build

    /// A 600 KB profile like a printer's or a camera's: smooth 16-bit lookup tables with some noise, which zlib
    /// compresses to about half, and a description and device texts naming the maker.
    static func largeProfile() -> [UInt8] {
        var random = SplitMix64(seed: 0x1CC)
        let table = (0..<300_000).flatMap { index -> [UInt8] in
            let value = 32_768 + 30_000 * sin(Double(index) / 700) + Double(random.next() % 64)
            return [UInt8(Int(value) >> 8), UInt8(Int(value) & 0xFF)]
        }
        let tags: [(String, [UInt8])] = [
            ("desc", Build.textDescription("Nikon sRGB 4.0.0.3001")), ("dmnd", Build.textDescription("Nikon Corporation")),
            ("zlut", Array("zlut".utf8) + [0, 0, 0, 0] + table),
        ] + Build.sRGBColorants + Build.trcs(Build.curve(1024, Build.sRGB))
        return Build.profile(colourSpace: "RGB ", version: 2, tags: tags)
    }

    @Test("a PNG with a 600 KB profile comes out no larger, its profile cleaned and its pixels unchanged")
    func largeICCP() throws {
        let dir = try G.WorkDirectory()
        try G.run(Tool.convert!, ["-size", "40x30", "gradient:red-blue", "PNG24:" + dir.path("image.png")])
        try dir.write(Self.largeProfile(), to: "profile.icc")
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-ICC_Profile<=" + dir.path("profile.icc"), dir.path("image.png")])
        let original = try dir.read("image.png")
        #expect(original.count > 200_000 && original.count < 600_000, "exiftool compresses the profile")
        let (cleaned, report) = try scrub(original)
        try dir.write(cleaned, to: "cleaned.png")
        #expect(cleaned.count <= original.count + 64, "\(original.count) bytes in, \(cleaned.count) out")
        #expect(report.added.contains("ICC colour profile, with its identifying fields blanked"))
        #expect(!(try G.exiftoolText(dir.path("cleaned.png")).contains("Nikon")))
        #expect(try PNGICCPTests.extractedProfile(dir.path("cleaned.png")).count == Self.largeProfile().count)
        #expect(try G.differingPixels(dir.path("image.png"), dir.path("cleaned.png")) == 0)
    }

    static let neutralDescriptions: Set<String> = Set(ICCProfile.colourSpaceNames.values).union(["sRGB", "Colour"])

    @Test("every corpus JPEG and PNG comes out no larger than 64 bytes over its size; a kept profile reads a neutral description",
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"), arguments: Corpus.jpegFiles + Corpus.pngFiles)
    func corpusSize(path: String) throws {
        let original = try Corpus.bytes(path)
        let cleaned: [UInt8]
        do {
            cleaned = try scrub(original).output
        } catch is ScrubError {
            return
        }
        #expect(cleaned.count <= original.count + 64, "\(path): \(original.count) bytes in, \(cleaned.count) out")
        let ext = path.lowercased().hasSuffix(".png") ? "png" : "jpg"
        let tags = try Tool.exiftoolTags(cleaned, ext: ext)
        guard let description = tags.first(where: { $0.key.hasPrefix("ICC_Profile:") && $0.key.hasSuffix(":ProfileDescription") }) else {
            return
        }
        #expect(Self.neutralDescriptions.contains("\(description.value)"), "\(path): the profile reads \(description.value)")
        #expect(try Tool.decodedPixels(original, ext: ext) == Tool.decodedPixels(cleaned, ext: ext), "\(path): pixels changed")
    }
}
