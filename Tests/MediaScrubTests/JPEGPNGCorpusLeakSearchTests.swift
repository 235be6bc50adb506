import Foundation
import MediaScrub
import Testing

/// (b) of issue 3 for JPEG and PNG: a byte search of the cleaned file finds none of the string values of the
/// original's identifying tags that are literally in the original (this catches leaks a tag reader misses).
@Suite("JPEG and PNG corpus: no identifying value survives as bytes",
       .enabled(if: Corpus.isAvailable && Tool.exiftool != nil, "corpus or exiftool missing"))
struct JPEGPNGCorpusLeakSearchTests {
    @Test(arguments: Corpus.jpegFiles + Corpus.pngFiles)
    func noIdentifyingValueSurvives(path: String) throws {
        let original = try Corpus.bytes(path)
        let ext = RIFFFamily.ext(path) == "png" ? "png" : "jpg"
        // A colour profile's own name (e.g. "U.S. Web Coated (SWOP) v2") is kept on purpose: it names a colour space.
        let profileName = try Tool.exiftoolTags(original, ext: ext)
            .first { $0.key.hasPrefix("ICC_Profile:") && $0.key.hasSuffix(":ProfileDescription") }?.value as? String
        let present = try RIFFFamily.identifyingStrings(original, ext: ext, iccIsLeak: true)
            .filter { !$0.allSatisfy(\.isWhitespace) && $0 != profileName }
            .filter { Data(original).range(of: Data($0.utf8)) != nil }
        let (cleaned, _) = try scrub(original)
        let survivors = present.filter { Data(cleaned).range(of: Data($0.utf8)) != nil }
        #expect(survivors.isEmpty, "\(path) still holds \(survivors)")
    }
}
