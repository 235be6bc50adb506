/// The tags audio taggers put before and after the audio: ID3v2, ID3v1, APEv2, Lyrics3.
enum AudioTags {
    static let id3: [UInt8] = Array("ID3".utf8)
    static let apeTag: [UInt8] = Array("APETAGEX".utf8)
    static let id3v1: [UInt8] = Array("TAG".utf8)
    static let id3v1Extended: [UInt8] = Array("TAG+".utf8)
    static let lyricsBegin: [UInt8] = Array("LYRICSBEGIN".utf8)
    static let lyrics200: [UInt8] = Array("LYRICS200".utf8)
    static let lyricsEnd: [UInt8] = Array("LYRICSEND".utf8)
    /// How much of the end of a file is held back to find tags there.
    static let tailWindow = 136 * 1024

    /// The whole size of the ID3v2 tag whose header is buffered at `index`, or nil if none is.
    /// Extended headers and unsynchronisation need no parsing: the tag is dropped whole.
    static func id3v2Size(in buffer: LookaheadBuffer, at index: Int = 0) -> Int? {
        guard buffer.matches(id3, at: index), index + 10 <= buffer.count else { return nil }
        let major = buffer[index + 3]
        let sizeBytes = (6..<10).map { buffer[index + $0] }
        guard (2...4).contains(major), buffer[index + 4] != 0xFF, sizeBytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let size = sizeBytes.reduce(0) { $0 << 7 | Int($1) }
        let hasFooter = major == 4 && buffer[index + 5] & 0x10 != 0
        return 10 + size + (hasFooter ? 10 : 0)
    }

    /// The whole size of the APEv2 tag whose header is buffered at `index`, or nil if none is.
    static func apeSizeFromHeader(in buffer: LookaheadBuffer, at index: Int = 0) throws -> Int? {
        guard buffer.matches(apeTag, at: index), index + 32 <= buffer.count else { return nil }
        let size = littleEndian32(buffer, at: index + 12)
        let flags = littleEndian32(buffer, at: index + 20)
        guard size >= 32 else { throw ScrubError.malformed("the APEv2 tag at offset \(buffer.offset + index) is \(size) bytes, less than its footer") }
        // The size counts items and footer, not the header; a tag starting with a header has flag bit 31 set.
        return size + (flags & 0x8000_0000 != 0 ? 32 : 0)
    }

    /// Reads tags off the end of the buffered bytes, which must reach the end of the input,
    /// notes them in `report`, and returns where the data before them ends.
    static func stripTrailingTags(from buffer: LookaheadBuffer, report: inout RemovalReport) throws -> Int {
        var end = buffer.count
        var found = true
        while found {
            found = false
            if end >= 128 && buffer.matches(id3v1, at: end - 128) && !buffer.matches(id3v1Extended, at: end - 128) {
                end -= 128
                report.noteRemoved("ID3v1 tag", bytes: 128)
                if end >= 227 && buffer.matches(id3v1Extended, at: end - 227) {
                    end -= 227
                    report.noteRemoved("ID3v1 extended tag (TAG+)", bytes: 227)
                }
                found = true
            } else if end >= 32 && buffer.matches(apeTag, at: end - 32) {
                let size = littleEndian32(buffer, at: end - 32 + 12)
                let flags = littleEndian32(buffer, at: end - 32 + 20)
                let total = size + (flags & 0x8000_0000 != 0 ? 32 : 0)
                guard size >= 32 else { throw ScrubError.malformed("the APEv2 tag footer near the end claims \(size) bytes") }
                guard total <= end else {
                    throw ScrubError.tooLarge("the APEv2 tag at the end of the file (\(total) bytes, more than \(tailWindow) held back)")
                }
                end -= total
                report.noteRemoved("APEv2 tag", bytes: total)
                found = true
            } else if end >= 15 && buffer.matches(lyrics200, at: end - 9) {
                let digits = (end - 15..<end - 9).map { buffer[$0] }
                guard digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    throw ScrubError.malformed("the Lyrics3 v2 tag at the end has a size that is not six digits")
                }
                let total = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) } + 15
                guard total <= end, buffer.matches(lyricsBegin, at: end - total) else {
                    throw ScrubError.malformed("the Lyrics3 v2 tag at the end does not start with LYRICSBEGIN")
                }
                end -= total
                report.noteRemoved("Lyrics3 tag", bytes: total)
                found = true
            } else if end >= 20 && buffer.matches(lyricsEnd, at: end - 9) {
                let earliest = max(0, end - 9 - 5100 - lyricsBegin.count)
                guard let begin = stride(from: end - 9 - lyricsBegin.count, through: earliest, by: -1)
                    .first(where: { buffer.matches(lyricsBegin, at: $0) })
                else { throw ScrubError.malformed("the Lyrics3 v1 tag at the end has no LYRICSBEGIN") }
                report.noteRemoved("Lyrics3 tag", bytes: end - begin)
                end = begin
                found = true
            }
        }
        return end
    }

    /// Skips the ID3v2 tags at the front of `buffer`, noting them in `report`.
    static func skipLeadingID3v2(_ buffer: LookaheadBuffer, report: inout RemovalReport) throws {
        while true {
            try buffer.fill(10)
            guard let size = id3v2Size(in: buffer) else { return }
            try buffer.skip(size, place: "inside the ID3v2 tag at offset \(buffer.offset)")
            report.noteRemoved("ID3v2 tag", bytes: size)
        }
    }

    static func littleEndian32(_ buffer: LookaheadBuffer, at index: Int) -> Int {
        (0..<4).reduce(0) { $0 | Int(buffer[index + $1]) << (8 * $1) }
    }
}
