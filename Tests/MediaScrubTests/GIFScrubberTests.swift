import Foundation
import Testing
@testable import MediaScrub

@Suite("GIF scrubber on synthetic and generated files")
struct GIFScrubberTests {
    /// A 1×1 GIF89a with a 2-colour global table.
    static let header: [UInt8] = Array("GIF89a".utf8) + [1, 0, 1, 0, 0x80, 0, 0] + [0, 0, 0, 255, 255, 255]
    static let image: [UInt8] = [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0]
    static let control: [UInt8] = [0x21, 0xF9, 4, 0x04, 10, 0, 0, 0]
    static let netscape: [UInt8] = [0x21, 0xFF, 11] + Array("NETSCAPE2.0".utf8) + [3, 1, 0, 0, 0]

    static func subBlocks(_ bytes: [UInt8]) -> [UInt8] {
        stride(from: 0, to: bytes.count, by: 255).flatMap { start -> [UInt8] in
            let piece = bytes[start..<min(bytes.count, start + 255)]
            return [UInt8(piece.count)] + piece
        } + [0]
    }

    static func application(_ identifier: String, _ data: [UInt8]) -> [UInt8] {
        [0x21, 0xFF, 11] + Array(identifier.utf8) + subBlocks(data)
    }

    @Test("keeps images, graphic control and looping; drops comments, plain text, XMP, ICC, unknown and trailing data")
    func dropsEverything() throws {
        let comment: [UInt8] = [0x21, 0xFE] + Self.subBlocks(Array("MARKER-comment".utf8))
        let plainText: [UInt8] = [0x21, 0x01] + Self.subBlocks(Array(repeating: 0, count: 12) + Array("MARKER-text".utf8))
        let xmp = Self.application("XMP DataXMP", Array("<x:xmpmeta>MARKER-xmp</x:xmpmeta>".utf8))
        let icc = Self.application("ICCRGBG1012", Array(repeating: 7, count: 600))
        let vendor = Self.application("VENDORAP1.0", Array("MARKER-vendor".utf8))
        let input = Self.header + Self.netscape + comment + xmp + Self.control + Self.image + icc + Self.control + plainText
            + vendor + Self.control + Self.image + [0x3B] + Array("MARKER-tail".utf8)
        let (output, report) = try scrub(input, as: .gif, chunkSizes: .fixed(3))
        #expect(output == Self.header + Self.netscape + Self.control + Self.image + Self.control + Self.image + [0x3B])
        #expect(report.removed.map(\.what) == [
            "GIF comment extension", "GIF XMP application extension", "GIF ICC profile application extension",
            "GIF graphic control extension of a plain text block", "GIF plain text extension",
            "GIF application extension VENDORAP1.0", "data after the GIF trailer",
        ])
        #expect(output.count + report.removed.reduce(0) { $0 + $1.bytes } == input.count)
    }

    @Test("refuses a bad signature, a stray byte before any image and a file that ends before any image")
    func refusesMalformed() {
        #expect(throws: ScrubError.malformed("the GIF signature is wrong")) { try scrub(Array("GIF90a".utf8) + Array(Self.header[6...]), as: .gif) }
        #expect(throws: ScrubError.malformed("unexpected byte 0x99 at offset 19 where a GIF block should start")) {
            try scrub(Self.header + [0x99], as: .gif)
        }
        #expect(throws: ScrubError.truncated("before the GIF trailer")) { try scrub(Self.header + Self.netscape, as: .gif) }
    }

    @Test("removes markers written by exiftool and ImageMagick, pixels unchanged",
          .enabled(if: Tool.exiftool != nil && Tool.convert != nil, "exiftool or ImageMagick not installed"))
    func generated() throws {
        let directory = try RIFFFamily.Directory()
        let file = directory.path("g.gif")
        try RIFFFamily.make(Tool.convert, ["-size", "16x16", "xc:red", "xc:blue", "-loop", "0", "-set", "delay", "10",
                                           "-comment", "MARKER-im-comment", file])
        try RIFFFamily.make(Tool.exiftool, ["-q", "-overwrite_original", "-XMP:Creator=MARKER-xmp-creator",
                                            "-XMP:Description=MARKER-xmp-desc", "-Comment=MARKER-exif-comment", file])
        let original = try directory.bytes("g.gif")
        #expect(RIFFFamily.contains(original, Array("MARKER-xmp-creator".utf8)))
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .gif)
        #expect(!RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        #expect(try RIFFFamily.frames(cleaned, ext: "gif") == RIFFFamily.frames(original, ext: "gif"))
        let tags = try Tool.exiftoolTags(cleaned, ext: "gif")
        #expect(RIFFFamily.leaks(tags, iccIsLeak: true) == [])
        #expect(tags["GIF:Animation:AnimationIterations"] != nil || tags.keys.contains { $0.hasSuffix("AnimationIterations") })
    }
}
