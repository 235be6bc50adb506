import Foundation
import Testing
@testable import MediaScrub

@Suite("Matroska scrubber on hand-built files")
struct MatroskaScrubberTests {
    static let info = MKV.element(MKV.infoID, MKV.element([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40]) + MKV.element([0x44, 0x89], [0x44, 0x7A, 0, 0])
        + MKV.text([0x7B, 0xA9], "MARKER-title") + MKV.text([0x4D, 0x80], "MARKER-muxer") + MKV.text([0x57, 0x41], "MARKER-writer")
        + MKV.element([0x44, 0x61], [1, 2, 3, 4, 5, 6, 7, 8]) + MKV.text([0x73, 0x84], "MARKER-file.mkv")
        + MKV.element([0x73, 0xA4], [UInt8](repeating: 0x5A, count: 16)))
    static let cleanedInfo = MKV.element(MKV.infoID, MKV.element([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40])
        + MKV.element([0x44, 0x89], [0x44, 0x7A, 0, 0]) + MKV.void(total: 15) + MKV.void(total: 15) + MKV.void(total: 16)
        + MKV.void(total: 11) + MKV.void(total: 18) + MKV.void(total: 19))
    static let trackEntryStart = MKV.element([0xD7], [1]) + MKV.element([0x73, 0xC5], [9, 9, 9, 9]) + MKV.element([0x83], [1])
        + MKV.text([0x86], "V_UNCOMPRESSED")
    static let tracks = MKV.element(MKV.tracksID, MKV.element([0xAE], trackEntryStart + MKV.text([0x53, 0x6E], "MARKER-track")
        + MKV.text([0x25, 0x86, 0x88], "MARKER-codec") + MKV.element([0xE0], MKV.element([0xB0], [2]) + MKV.element([0xBA], [2]))))
    static let cleanedTracks = MKV.element(MKV.tracksID, MKV.element([0xAE], trackEntryStart + MKV.void(total: 15)
        + MKV.void(total: 16) + MKV.element([0xE0], MKV.element([0xB0], [2]) + MKV.element([0xBA], [2]))))
    static let cluster = MKV.element(MKV.clusterID, MKV.element([0xE7], [0]) + MKV.simpleBlock([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))
    static let tags = MKV.element(MKV.tagsID, MKV.element([0x73, 0x73], MKV.element([0x67, 0xC8],
        MKV.text([0x45, 0xA3], "ARTIST") + MKV.text([0x44, 0x87], "MARKER-artist"))))
    static let chapters = MKV.element(MKV.chaptersID, MKV.element([0x45, 0xB9], MKV.element([0xB6],
        MKV.element([0x73, 0xC4], [1]) + MKV.element([0x91], [0]) + MKV.element([0x80], MKV.text([0x85], "MARKER-chapter")))))
    static let attachments = MKV.element(MKV.attachmentsID, MKV.element([0x61, 0xA7], MKV.text([0x46, 0x6E], "MARKER-cover.jpg")
        + MKV.text([0x46, 0x60], "image/jpeg") + MKV.element([0x46, 0x5C], [0xFF, 0xD8, 0xFF, 0xD9]) + MKV.element([0x46, 0xAE], [7])))

    /// A file with every kind of metadata, its SeekHead pointing at Info, Tracks and Tags, and the file expected
    /// after cleaning, spelled out with each removed element as a Void of its size.
    static func sample(docType: String = "matroska") -> (input: [UInt8], expected: [UInt8]) {
        let seekKept = MKV.seek(MKV.infoID, 0x30) + MKV.seek(MKV.tracksID, 0x40)
        let seekTags = MKV.seek(MKV.tagsID, 0x50)
        let seekHead = MKV.element(MKV.seekHeadID, seekKept + seekTags)
        let cleanedSeekHead = MKV.element(MKV.seekHeadID, seekKept + MKV.void(total: seekTags.count))
        let staleVoid = [0xEC, 0x85] + Array("MARKE".utf8)
        let input = MKV.header(docType) + MKV.element(MKV.segmentID, seekHead + staleVoid + info + tracks + chapters
            + attachments + cluster + tags)
        let expected = MKV.header(docType) + MKV.element(MKV.segmentID, cleanedSeekHead + MKV.void(total: 7) + cleanedInfo
            + cleanedTracks + MKV.void(total: chapters.count) + MKV.void(total: attachments.count) + cluster
            + MKV.void(total: tags.count))
        return (input, expected)
    }

    @Test("voids Tags, Chapters, Attachments, Info text and dates, track and codec names, their Seek entries and stale Void data")
    func removesMetadata() throws {
        let (input, expected) = Self.sample()
        #expect(input.count == expected.count)
        for sizes in [ChunkedByteSource.Sizes.whole, .fixed(1), .fixed(7), .random(seed: 3)] {
            let (output, report) = try scrub(input, as: .matroska, chunkSizes: sizes)
            #expect(output == expected)
            #expect(report.removed.map(\.what) == [
                "index entries of removed elements (Seek)", "leftover bytes in Void elements", "segment title and dates (Info)",
                "muxing and writing application (Info)", "segment file names (Info)", "segment identifiers and links (Info)",
                "track name (Name)", "codec name and settings (TrackEntry)", "chapters (Chapters)", "attached files (Attachments)",
                "Matroska tags (Tags)",
            ])
        }
        let (output, report) = try scrub(input)
        #expect(report.mediaType == .matroska && output == expected)
        #expect(!RIFFFamily.contains(output, Array("MARKER".utf8)))
    }

    @Test("sniffs Matroska and WebM by DocType, and only those")
    func sniffs() throws {
        #expect(MediaSniffer.sniff(MKV.header("matroska") + MKV.segmentID) == .matroska)
        #expect(MediaSniffer.sniff(MKV.header("webm") + MKV.segmentID) == .webm)
        #expect(MediaSniffer.sniff(MKV.header("webm\0")) == .webm)
        #expect(MediaSniffer.sniff(MKV.header("mka")) == nil)
        #expect(MediaSniffer.sniff(Array(MKV.header("webm").prefix(20))) == nil)
        let (output, report) = try scrub(Self.sample(docType: "webm").input)
        #expect(report.mediaType == .webm && output == Self.sample(docType: "webm").expected)
        #expect(throws: ScrubError.malformed("the EBML DocType is \"webm\", not matroska")) {
            try scrub(Self.sample(docType: "webm").input, as: .matroska)
        }
    }

    @Test("recomputes the CRC-32 of a changed Info element and leaves an unchanged one alone")
    func checksums() throws {
        func withCRC(_ id: [UInt8], _ children: [UInt8]) -> [UInt8] {
            let crc = PNGChunk.bitwiseCRC(children)
            return MKV.element(id, [0xBF, 0x84] + [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) } + children)
        }
        let infoChildren = MKV.element([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40]) + MKV.text([0x7B, 0xA9], "MARKER")
        let input = MKV.header("webm") + MKV.element(MKV.segmentID, withCRC(MKV.infoID, infoChildren)
            + withCRC(MKV.cuesID, MKV.element([0xBB], [1, 2, 3])) + Self.cluster)
        let (output, _) = try scrub(input, as: .webm)
        let expectedInfo = withCRC(MKV.infoID, MKV.element([0x2A, 0xD7, 0xB1], [0x0F, 0x42, 0x40]) + MKV.void(total: 9))
        #expect(output == MKV.header("webm") + MKV.element(MKV.segmentID, expectedInfo
            + withCRC(MKV.cuesID, MKV.element([0xBB], [1, 2, 3])) + Self.cluster))
        #expect(MKV.checksumsHold(output))
    }

    @Test("a browser recording: unknown-size Segment and Clusters, no SeekHead or Cues, Tags after the Clusters")
    func unknownSizes() throws {
        let blocks = (0..<40).map { MKV.simpleBlock([UInt8](repeating: UInt8($0), count: 3000)) }.joined()
        let liveCluster = MKV.unknownSize(MKV.clusterID, MKV.element([0xE7], [0]) + blocks)
        let body = Self.info + Self.tracks + liveCluster + liveCluster
        let input = MKV.header("webm") + MKV.unknownSize(MKV.segmentID, body + Self.tags)
        let expected = MKV.header("webm") + MKV.unknownSize(MKV.segmentID, Self.cleanedInfo + Self.cleanedTracks + liveCluster
            + liveCluster + MKV.void(total: Self.tags.count))
        for sizes in [ChunkedByteSource.Sizes.whole, .fixed(5), .random(seed: 9)] {
            #expect(try scrub(input, as: .webm, chunkSizes: sizes).output == expected)
        }
        // Cut inside a block (the recording stopped): cleaned as far as it goes.
        let cut = Array((MKV.header("webm") + MKV.unknownSize(MKV.segmentID, body)).dropLast(1234))
        #expect(try scrub(cut, as: .webm).output == Array((MKV.header("webm") + MKV.unknownSize(MKV.segmentID, Self.cleanedInfo
            + Self.cleanedTracks + liveCluster + liveCluster)).dropLast(1234)))
        // A second EBML header and Segment after an unknown-size one (a chained live stream).
        let chained = input + input
        #expect(try scrub(chained, as: .webm).output == expected + expected)
    }

    @Test("writes Voids of every total size the same length, growing the size field where 1 byte would read as unknown",
          arguments: [2, 3, 127, 128, 129, 130, 16_384, 16_385, 16_386, 2_097_152, 1 << 40])
    func voidSizes(total: Int) throws {
        let header = try #require(EBMLElement.voidHeader(total: total))
        let parsed = try #require(try EBMLElement.parse(header[...], at: 0, place: ""))
        #expect(parsed.id == 0xEC && parsed.totalSize == total)
        #expect(EBMLElement.voidHeader(total: 1) == nil)
        #expect(EBMLElement.voidHeader(total: 1 << 57) == nil)
    }

    @Test("a removed element of 129 bytes becomes a Void with a 2-byte size field")
    func voidEdge() throws {
        let tags = MKV.element(MKV.tagsID, [UInt8](repeating: 0x41, count: 124))
        #expect(tags.count == 129)
        let input = MKV.header("matroska") + MKV.element(MKV.segmentID, tags + Self.cluster)
        let output = try scrub(input, as: .matroska).output
        #expect(output == MKV.header("matroska") + MKV.element(MKV.segmentID, [0xEC, 0x40, 126] + [UInt8](repeating: 0, count: 126)
            + Self.cluster))
    }

    @Test("refuses what cannot be delimited or parsed, with the place; voids an element cut by the end of the file")
    func hostile() throws {
        let header = MKV.header("matroska")
        func segment(_ body: [UInt8]) -> [UInt8] { header + MKV.element(MKV.segmentID, body) }
        #expect(throws: ScrubError.malformed("the Matroska Info at offset 52 has an unknown size, which only a Segment or Cluster may have")) {
            try scrub(header + MKV.unknownSize(MKV.segmentID, MKV.unknownSize(MKV.infoID, [])), as: .matroska)
        }
        #expect(throws: ScrubError.tooLarge("the Matroska Tags at offset 52 claims 72057594037927934 bytes")) {
            try scrub(header + MKV.unknownSize(MKV.segmentID, MKV.tagsID + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE]), as: .matroska)
        }
        #expect(throws: ScrubError.tooLarge("the Matroska Tracks at offset 45 has 33554432 bytes, more than 16384 KiB")) {
            try scrub(segment(MKV.tracksID + [0x12, 0x00, 0x00, 0x00]), as: .matroska)
        }
        #expect(throws: ScrubError.truncated("inside the Matroska Info at offset 45")) {
            try scrub(Array(segment(Self.info).dropLast(3)), as: .matroska)
        }
        #expect(throws: ScrubError.malformed("the Matroska Segment holds no valid element at offset 45")) {
            try scrub(segment([0x00, 0x81, 0x00]), as: .matroska)
        }
        #expect(throws: ScrubError.malformed("the Matroska element 0xA3 at offset 64 inside a Cluster has an unknown size, which only a Segment or Cluster may have")) {
            try scrub(header + MKV.unknownSize(MKV.segmentID, MKV.unknownSize(MKV.clusterID, MKV.unknownSize([0xA3], [1]))), as: .matroska)
        }
        #expect(throws: ScrubError.malformed("the Matroska Tracks child at offset 50 (element 0xAE) is longer than its parent")) {
            try scrub(segment(MKV.element(MKV.tracksID, [0xAE, 0x85, 1])), as: .matroska)
        }
        #expect(throws: ScrubError.malformed("the file does not start with an EBML header")) {
            try scrub(MKV.element(MKV.segmentID, []) + header, as: .matroska)
        }
        // Tags that claim more than the file holds: voided to the end, the same length.
        let cutTags = segment(Self.cluster + MKV.tagsID + [0x01, 0, 0, 0, 0, 0, 0x10, 0] + Array("MARKER".utf8))
        let cleaned = try scrub(cutTags, as: .matroska).output
        #expect(cleaned.count == cutTags.count && !RIFFFamily.contains(cleaned, Array("MARKER".utf8)))
        // Deep nesting inside Tracks is not walked: only TrackEntry children are looked at.
        let nested = (0..<2000).reduce([UInt8]()) { inner, _ in MKV.element([0xE0], inner) }
        #expect(try scrub(segment(MKV.element(MKV.tracksID, MKV.element([0xAE], nested))), as: .matroska).output.count > 0)
    }

    @Test("blanks the comment header in a Vorbis CodecPrivate in place, keeping its length and the lacing")
    func vorbisComments() throws {
        func le(_ value: Int) -> [UInt8] { [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) } }
        let identification = [0x01] + Array("vorbis".utf8) + [UInt8](repeating: 7, count: 23)
        let vendor = Array("MARKER-vendor".utf8)
        let comment = Array("ARTIST=MARKER-artist".utf8)
        let commentHeader = [0x03] + Array("vorbis".utf8) + le(vendor.count) + vendor + le(1) + le(comment.count) + comment + [1]
        let setup = [0x05] + Array("vorbis".utf8) + [UInt8](repeating: 9, count: 40)
        func codecPrivate(_ comments: [UInt8]) -> [UInt8] {
            [2, UInt8(identification.count), UInt8(comments.count)] + identification + comments + setup
        }
        let blankLength = commentHeader.count - 16
        let blankHeader = [0x03] + Array("vorbis".utf8) + le(blankLength) + [UInt8](repeating: 0, count: blankLength) + le(0) + [1]
        func file(_ comments: [UInt8]) -> [UInt8] {
            MKV.header("webm") + MKV.element(MKV.segmentID, MKV.element(MKV.tracksID, MKV.element([0xAE], Self.trackEntryStart
                + MKV.element([0x63, 0xA2], codecPrivate(comments)))) + Self.cluster)
        }
        let (output, report) = try scrub(file(commentHeader), as: .webm)
        #expect(output == file(blankHeader))
        #expect(report.removed.map(\.what) == ["Vorbis or Theora comments (CodecPrivate)"])
        #expect(try scrub(file(blankHeader), as: .webm).report.removed.isEmpty)
    }

    @Test("zeroes the frames of a subtitle track, keeping block headers; voids its CodecPrivate, compression and block additions",
          arguments: [false, true])
    func subtitleTrack(unknownSize: Bool) throws {
        let subtitleStart = MKV.element([0xD7], [2]) + MKV.element([0x73, 0xC5], [8]) + MKV.element([0x83], [0x11])
            + MKV.text([0x86], "S_TEXT/UTF8")
        let codecPrivate = MKV.text([0x63, 0xA2], "MARKER-private")
        let zlib = MKV.element([0x6D, 0x80], MKV.element([0x62, 0x40], MKV.element([0x50, 0x34], MKV.element([0x42, 0x54], [0]))))
        let tracks = MKV.element(MKV.tracksID, MKV.element([0xAE], Self.trackEntryStart) + MKV.element([0xAE], subtitleStart + codecPrivate + zlib))
        let cleanedTracks = MKV.element(MKV.tracksID, MKV.element([0xAE], Self.trackEntryStart)
            + MKV.element([0xAE], subtitleStart + MKV.void(total: codecPrivate.count) + MKV.void(total: zlib.count)))
        let text = Array("MARKER-gps 51.5N 0.1W".utf8)
        let video = MKV.simpleBlock([1, 2, 3])
        let additions = MKV.element([0x75, 0xA1], MKV.element([0xA6], MKV.element([0xEE], [1]) + MKV.text([0xA5], "MARKER-note")))
        func clusterData(_ subtitle: [UInt8], _ additions: [UInt8]) -> [UInt8] {
            MKV.element([0xE7], [0]) + video + MKV.element([0xA3], [0x82, 0, 5, 0x82] + subtitle)
                + MKV.element([0xA0], MKV.element([0xA1], [0x82, 0, 9, 0x00] + subtitle) + MKV.element([0x9B], [50]) + additions) + video
        }
        let zeros = [UInt8](repeating: 0, count: text.count)
        let cleanedCluster = clusterData(zeros, MKV.void(total: additions.count)).enumerated().map { index, byte in
            // The SimpleBlock's flags lose their lacing bits: 0x82 becomes 0x80.
            index == MKV.element([0xE7], [0]).count + video.count + 2 + 3 ? 0x80 : byte
        }
        func file(_ tracks: [UInt8], _ cluster: [UInt8]) -> [UInt8] {
            let clusterElement = unknownSize ? MKV.unknownSize(MKV.clusterID, cluster) : MKV.element(MKV.clusterID, cluster)
            return MKV.header("matroska") + MKV.unknownSize(MKV.segmentID, tracks + clusterElement + clusterElement)
        }
        let input = file(tracks, clusterData(text, additions))
        let (output, report) = try scrub(input, as: .matroska, chunkSizes: .fixed(3))
        #expect(output == file(cleanedTracks, cleanedCluster))
        #expect(report.removed.map(\.what) == ["subtitle and metadata track headers (CodecPrivate, ContentEncodings)", "subtitle and metadata track frames"])
        #expect(throws: ScrubError.malformed("the Matroska Tracks at offset 78 come after a Cluster and hold a subtitle or metadata track, whose frames were already written")) {
            try scrub(MKV.header("matroska") + MKV.unknownSize(MKV.segmentID, Self.cluster + tracks), as: .matroska)
        }
    }

    @Test("streams large Clusters, Attachments and subtitle frames: the output never lags the input by a megabyte")
    func streams() throws {
        let subtitleEntry = MKV.element([0xAE], MKV.element([0xD7], [2]) + MKV.element([0x83], [0x11]) + MKV.text([0x86], "S_TEXT/UTF8"))
        let tracks = MKV.element(MKV.tracksID, MKV.element([0xAE], Self.trackEntryStart) + subtitleEntry)
        let large = 4 << 20
        let pieces: [PacedSource.Piece] = [
            .bytes(MKV.header("webm") + MKV.unknownSize(MKV.segmentID, []) + tracks
                + MKV.clusterID + MKV.sizeField(large + 13) + [0xA3] + MKV.sizeField(large + 4) + [0x81, 0, 0, 0x80]),
            .filler(large, 0x11),
            .bytes(MKV.attachmentsID + MKV.sizeField(large)), .filler(large, 0x22),
            .bytes(MKV.unknownSize(MKV.clusterID, []) + [0xA3] + MKV.sizeField(large + 4) + [0x82, 0, 0, 0x80]),
            .filler(large, 0x33),
        ]
        let sink = CountingSink()
        let source = PacedSource(pieces, sink: sink)
        let report = try MediaScrubber.scrubber(for: .webm).scrub(from: source, to: sink)
        #expect(sink.count == source.length)
        #expect(source.largestLag < 1 << 20)
        #expect(report.removed.map(\.what) == ["attached files (Attachments)", "subtitle and metadata track frames"])
        #expect(sink.nonZero >= large && sink.nonZero < source.length - 2 * large)
    }

    @Test("mutated files are cleaned to the same length or refused with a ScrubError, never more")
    func mutations() {
        var random = SplitMix64(seed: 22)
        let (base, _) = Self.sample()
        for _ in 0..<3000 {
            var input = base
            for _ in 0..<(1 + Int(random.next() % 4)) {
                input[Int(random.next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            if random.next() % 4 == 0 { input = Array(input.prefix(Int(random.next() % UInt64(input.count)))) }
            do {
                let (output, _) = try scrub(input, as: .matroska, chunkSizes: .random(seed: random.next()))
                #expect(output.count == input.count)
            } catch {
                #expect(error is ScrubError)
            }
        }
    }
}
