import Testing
import MediaScrub

@Suite("Media sniffer and registry")
struct MediaSnifferTests {
    @Test("recognises JPEG and PNG by their magic bytes")
    func recognises() {
        #expect(MediaSniffer.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0x00]) == .jpeg)
        #expect(MediaSniffer.sniff([0xFF, 0xD8, 0xFF]) == .jpeg)
        #expect(MediaSniffer.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) == .png)
        #expect(MediaSniffer.sniff([0xFF, 0xD8, 0xFF][...]) == .jpeg)
    }

    @Test("returns nil for other, short and empty input", arguments: [
        [], [0xFF, 0xD8], [0xFF, 0xD9, 0xFF], Array("GIF90a".utf8), Array("%PDF-1.7".utf8), Array("RIFF\0\0\0\0AVIX".utf8),
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x0A, 0x0A],
    ] as [[UInt8]])
    func rejects(prefix: [UInt8]) {
        #expect(MediaSniffer.sniff(prefix) == nil)
    }

    @Test("needs no more than prefixLength bytes")
    func prefixLength() {
        #expect(MediaSniffer.prefixLength >= 8)
    }

    @Test("describes each type")
    func typeNames() {
        #expect(MediaType.jpeg.mimeType == "image/jpeg" && MediaType.png.mimeType == "image/png")
        #expect(MediaType.jpeg.fileExtension == "jpg" && MediaType.png.fileExtension == "png")
        #expect(MediaType.jpeg.displayName == "JPEG image" && MediaType.png.displayName == "PNG image")
    }

    @Test("the registry hands out the scrubber for each type")
    func registry() {
        for type in MediaType.allCases {
            #expect(MediaScrubber.scrubber(for: type).mediaType == type)
        }
        #expect(MediaScrubber.version.hasPrefix("MediaScrub 1 (jpeg, png, "))
        #expect(MediaType.allCases.allSatisfy { MediaScrubber.version.contains($0.rawValue) })
    }

    @Test("refuses unknown content, naming the accepted types")
    func unsupported() {
        for input in [Array("BM..........".utf8), [], [0xFF]] as [[UInt8]] {
            #expect(throws: ScrubError.unsupportedType) { try scrub(input) }
        }
        let message = ScrubError.unsupportedType.description
        #expect(message.contains("JPEG image") && message.contains("PNG image"))
    }

    @Test("sniffs from a source that hands out one byte at a time")
    func sniffsBytewise() throws {
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xD9]
        let sink = MemoryByteSink()
        let report = try MediaScrubber.scrub(from: ChunkedByteSource(jpeg, sizes: .fixed(1)), to: sink)
        #expect(sink.bytes == jpeg)
        #expect(report.mediaType == .jpeg)
    }
}
