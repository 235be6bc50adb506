import Foundation
import Testing
@testable import MediaScrub

@Suite("WebP scrubber on synthetic and generated files")
struct WebPScrubberTests {
    static let vp8l = testChunk("VP8L", [0x2F, 0, 0, 0, 0, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07])
    /// VP8X with ICC, alpha, Exif and XMP flags; canvas 1×1.
    static func vp8x(flags: UInt8) -> [UInt8] { testChunk("VP8X", [flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }

    @Test("drops EXIF, XMP, XMP\\0 and unknown chunks, clears their flags, keeps ICC and animation, fixes the size")
    func extended() throws {
        var profile = [0, 0, 0, 132] + Array(repeating: UInt8(0), count: 128)
        profile.replaceSubrange(36..<40, with: Array("acsp".utf8))
        profile.replaceSubrange(64..<68, with: [0, 0, 0xF6, 0xD6])
        let cleanProfile = profile
        profile.replaceSubrange(80..<84, with: Array("MRKR".utf8))
        let iccp = testChunk("ICCP", profile)
        let anim = testChunk("ANIM", [0, 0, 0, 0, 0, 0])
        let frame = testChunk("ANMF", Array(repeating: 0, count: 16) + Self.vp8l + testChunk("XYZW", Array("MARKER-nested".utf8)))
        let cleanFrame = testChunk("ANMF", Array(repeating: 0, count: 16) + Self.vp8l)
        let exif = testChunk("EXIF", Array("MM\0*MARKER-exif".utf8))
        let xmp = testChunk("XMP ", Array("MARKER-xmp".utf8))
        let xmpNul = Array("XMP\0".utf8) + [5, 0, 0, 0] + Array("MARK!".utf8) + [0]
        let unknown = testChunk("ABCD", Array("MARKER-unknown".utf8))
        let input = testContainer("RIFF", "WEBP", [Self.vp8x(flags: 0x3E), iccp, anim, frame, exif, xmp, xmpNul, unknown]) + [9, 9]
        let (output, report) = try scrub(input, as: .webp, chunkSizes: .fixed(5))
        #expect(output == testContainer("RIFF", "WEBP", [Self.vp8x(flags: 0x32), testChunk("ICCP", cleanProfile), anim, cleanFrame]))
        #expect(!RIFFFamily.contains(output, Array("MARK".utf8)) && !RIFFFamily.contains(output, Array("MRKR".utf8)))
        #expect(report.removed.map(\.what) == [
            "WebP Exif chunk EXIF", "WebP XMP chunk XMP ", "WebP XMP chunk XMP\\x00", "WebP chunk ABCD",
            "data after the WebP container", "ICC profile identifying fields (profile creator)", "WebP chunk XYZW inside ANMF",
        ])
        #expect(report.added == ["ICC colour profile, with its identifying fields blanked"])
        #expect(output.count + report.removed.dropFirst(5).dropFirst().reduce(0) { $0 + $1.bytes } + report.removed.prefix(5).reduce(0) { $0 + $1.bytes } == input.count)
    }

    @Test("keeps a simple lossless file as it is and drops chunks after its image")
    func simple() throws {
        let plain = testContainer("RIFF", "WEBP", [Self.vp8l])
        #expect(try scrub(plain, as: .webp).output == plain)
        let withExif = testContainer("RIFF", "WEBP", [Self.vp8l, testChunk("EXIF", [1, 2, 3])])
        #expect(try scrub(withExif, as: .webp).output == plain)
    }

    @Test("refuses files without image data, with a wrong first chunk or a chunk past the end")
    func refusesMalformed() {
        #expect(throws: ScrubError.malformed("the first WebP chunk is EXIF, not VP8, VP8L or VP8X")) {
            try scrub(testContainer("RIFF", "WEBP", [testChunk("EXIF", [1])]), as: .webp)
        }
        #expect(throws: ScrubError.malformed("the WebP file has no image data (no VP8, VP8L or ANMF chunk)")) {
            try scrub(testContainer("RIFF", "WEBP", [Self.vp8x(flags: 0)]), as: .webp)
        }
        #expect(throws: ScrubError.self) {
            try scrub(Array(testContainer("RIFF", "WEBP", [Self.vp8l]).dropLast(3)), as: .webp)
        }
    }

    @Test("removes markers written by exiftool into a lossy and a lossless WebP, pixels unchanged",
          .enabled(if: Tool.exiftool != nil && Tool.convert != nil, "exiftool or ImageMagick not installed"),
          arguments: ["-quality 80", "-define webp:lossless=true"])
    func generated(options: String) throws {
        let directory = try RIFFFamily.Directory()
        let file = directory.path("w.webp")
        try RIFFFamily.make(Tool.convert, ["-size", "16x16", "gradient:red-blue"] + options.split(separator: " ").map(String.init) + [file])
        try RIFFFamily.make(Tool.exiftool, ["-q", "-overwrite_original", "-XMP:Creator=MARKER-xmp-creator", "-EXIF:Artist=MARKER-exif-artist",
                                            "-EXIF:Make=MARKER-make", "-GPSLatitude=12.5", "-GPSLatitudeRef=N", file])
        let original = try directory.bytes("w.webp")
        #expect(RIFFFamily.contains(original, Array("MARKER-exif-artist".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .webp)
        #expect(!RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        #expect(try RIFFFamily.frames(cleaned, ext: "webp") == RIFFFamily.frames(original, ext: "webp"))
        let tags = try Tool.exiftoolTags(cleaned, ext: "webp")
        #expect(RIFFFamily.leaks(tags, iccIsLeak: true) == [])
    }
}
