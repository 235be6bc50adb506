import Testing
@testable import MediaScrub

/// Hostile inputs that crashed or hung MediaScrub (found with `Scripts/fuzz.sh` or in review while writing it),
/// each built here in a few lines. Without its fix each test fails: by a trap, by its time limit, or (for a new
/// limit) by its expectation. See docs/RELIABILITY.md.
@Suite("Crashers and hangs on hostile input")
struct CrasherRegressionTests {
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] { ISOBMFFSyntheticTests.box(type, payload) }
    static func be(_ value: Int, _ width: Int) -> [UInt8] { ISOBMFFHandMadeImageTests.be(value, width) }

    /// A HEIF meta box: hdlr `pict`, then `boxes`, then an iinf naming item 1 as Exif followed by `moreEntries`.
    static func meta(_ boxes: [UInt8] = [], moreEntries: [UInt8] = []) -> [UInt8] {
        let hdlr = box("hdlr", [0, 0, 0, 0] + be(0, 4) + Array("pict".utf8) + be(0, 12) + [0])
        let exif = box("infe", [2, 0, 0, 0] + be(1, 2) + be(0, 2) + Array("Exif".utf8) + [0])
        return box("meta", [0, 0, 0, 0] + hdlr + boxes + box("iinf", [0, 0, 0, 0] + be(1, 2) + exif + moreEntries))
    }

    static let heifType = ISOBMFFSyntheticTests.ftyp("heic", ["mif1", "heic"])

    @Test("ISOBMFFItems: an empty box closing the iinf of a meta with an Exif item (was an index out of range)")
    func emptyBoxEndingItemInfo() throws {
        let file = Self.heifType + Self.meta(moreEntries: Self.box("free", []))
        let (cleaned, report) = try scrub(file, as: .heif)
        #expect(cleaned.count == file.count)
        #expect(report.removed.contains { $0.what == "Exif item (iinf, iloc, data)" })
    }

    @Test("ISOBMFFItems, RemovalReport: Exif extents whose declared lengths add up past Int.max (was an overflow trap)")
    func hugeExtentLengths() throws {
        // iloc version 0, no offsets, 8-byte lengths: item 1 in the file (method 0) as three extents of 2^62-1 bytes.
        let iloc = Self.box("iloc", [0, 0, 0, 0, 0x08, 0x00] + Self.be(1, 2) + Self.be(1, 2) + Self.be(0, 2) + Self.be(3, 2)
            + Array(repeating: Self.be(Int.max / 2, 8), count: 3).flatMap { $0 })
        let file = Self.heifType + Self.meta(iloc)
        let (cleaned, report) = try scrub(file, as: .heif)
        #expect(cleaned.count == file.count)
        #expect(report.removed.contains { $0.what == "Exif item (iinf, iloc, data)" && $0.bytes == Int.max })
        // A second image meta, whose sums the report once added, is refused: a file holds one.
        #expect(throws: ScrubError.malformed("there is a second image meta box at offset \(file.count); a file holds one")) {
            try scrub(file + Self.meta(iloc), as: .heif)
        }
    }

    @Test("ISOBMFFItems: 20,000 Exif extents over the same 200 KB of idat (zeroed 4 GB, now 200 KB)", .timeLimit(.minutes(1)))
    func repeatedIdatExtents() throws {
        let size = 200_000
        let count = 20_000
        // iloc version 1, no offsets, 4-byte lengths: item 1 in idat (method 1), each extent the whole of idat.
        let iloc = Self.box("iloc", [1, 0, 0, 0, 0x04, 0x00] + Self.be(1, 2) + Self.be(1, 2) + Self.be(1, 2) + Self.be(0, 2)
            + Self.be(count, 2) + Array(repeating: Self.be(size, 4), count: count).flatMap { $0 })
        let idat = Self.box("idat", Array(repeating: 0xA5, count: size))
        let file = Self.heifType + Self.meta(iloc + idat)
        let (cleaned, _) = try scrub(file, as: .heif)
        #expect(cleaned.count == file.count)
        #expect(!cleaned.contains(0xA5))
    }

    @Test("ICCProfile: 1,024 copyright tags over the same 4 MB, each shifted by a byte (scanned 4 GB, now 4 MB)", .timeLimit(.minutes(1)))
    func overlappingICCTags() throws {
        let tags = 1024
        let size = 4_000_000
        let start = 128 + 4 + 12 * tags
        var profile = Self.be(start + tags + size, 4) + [UInt8](repeating: 0, count: 124) + Self.be(tags, 4)
        profile.replaceSubrange(36..<40, with: "acsp".utf8)
        for index in 0..<tags { profile += Array("cprt".utf8) + Self.be(start + index, 4) + Self.be(size, 4) }
        profile += [UInt8](repeating: 1, count: tags + size)
        let (cleaned, blanked) = try ICCProfile.clean(profile)
        #expect(blanked == Array(repeating: "cprt text", count: tags))
        #expect(cleaned[(start + 8)..<(start + tags - 1 + size)].allSatisfy { $0 == 0 } && cleaned.last == 1)
    }

    @Test("ISOBMFFScrubber: a second top-level moov box is refused (each movie's ranges to zero were held to the end)")
    func secondMovieBox() throws {
        let file = ISOBMFFSyntheticTests.ftyp("isom") + Self.box("moov", []) + Self.box("mdat", [1])
        #expect(try scrub(file, as: .mp4).output.count == file.count)
        #expect(throws: ScrubError.malformed("there is a second moov box at offset \(file.count); a file holds one movie")) {
            try scrub(file + Self.box("moov", []), as: .mp4)
        }
    }

    @Test("ISOBMFFMovie: a moov of 100,000 kept tracks (was quadratic: hours for a 64 MiB moov)", .timeLimit(.minutes(1)))
    func manyTracks() throws {
        let track = Self.box("trak", Self.box("mdia", Self.box("hdlr", [0, 0, 0, 0] + Self.be(0, 4) + Array("vide".utf8))))
        let file = ISOBMFFSyntheticTests.ftyp("isom") + Self.box("moov", Array(repeating: track, count: 100_000).flatMap { $0 })
            + Self.box("mdat", [])
        let (cleaned, _) = try scrub(file, as: .mp4)
        #expect(cleaned.count == file.count)
    }
}
