/// Cleans FLAC files by keeping an allowlist of metadata blocks and copying the audio frames byte for byte.
///
/// Kept: STREAMINFO and SEEKTABLE (seek points are relative to the first frame, so they stay right).
/// Dropped: VORBIS_COMMENT (tags and vendor string), PICTURE, APPLICATION, CUESHEET (catalogue number
/// and ISRCs), PADDING and reserved block types; ID3v2 tags before "fLaC"; ID3v1/APEv2 tags after the frames.
/// The last kept block gets the last-block flag.
struct FLACScrubber: Scrubber {
    var mediaType: MediaType { .flac }

    static let signature: [UInt8] = Array("fLaC".utf8)
    /// The kept blocks are held in memory; a seek table beyond this is refused.
    static let maxKeptMetadata = 16 * 1024 * 1024

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let buffer = LookaheadBuffer(ByteReader(source))
        var report = RemovalReport(mediaType: .flac)
        try AudioTags.skipLeadingID3v2(buffer, report: &report)
        try Self.scrubStream(buffer, to: sink, report: &report)
        return report
    }

    /// Scrubs the FLAC stream that starts at the front of `buffer`.
    static func scrubStream(_ buffer: LookaheadBuffer, to sink: any ByteSink, report: inout RemovalReport) throws {
        guard try buffer.take(4, place: "inside the FLAC signature") == signature else {
            throw ScrubError.malformed("the FLAC signature \"fLaC\" is missing")
        }
        var kept: [[UInt8]] = []
        var keptBytes = 0
        var isLast = false
        while !isLast {
            let blockOffset = buffer.offset
            let header = try buffer.take(4, place: "inside the FLAC metadata block header at offset \(blockOffset)")
            isLast = header[0] & 0x80 != 0
            let type = header[0] & 0x7F
            let length = Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            let place = "inside the FLAC metadata block of type \(type) at offset \(blockOffset)"
            guard type != 127 else { throw ScrubError.malformed("the FLAC metadata block at offset \(blockOffset) has the invalid type 127") }
            guard (type == 0) == kept.isEmpty, type != 0 || length == 34 else {
                throw ScrubError.malformed("the FLAC metadata block at offset \(blockOffset) breaks the rule that one 34-byte STREAMINFO comes first")
            }
            switch type {
            case 0, 3:
                keptBytes += length + 4
                guard keptBytes <= maxKeptMetadata else { throw ScrubError.tooLarge("the FLAC seek table at offset \(blockOffset)") }
                kept.append([header[0] & 0x7F] + header[1...] + (try buffer.take(length, place: place)))
            default:
                try buffer.skip(length, place: place)
                report.noteRemoved(label(type), bytes: length + 4)
            }
        }
        kept[kept.count - 1][0] |= 0x80
        try sink.write(signature)
        for block in kept { try sink.write(block) }
        try buffer.fill(2)
        if buffer.count > 0 {
            guard buffer.count >= 2, buffer[0] == 0xFF, buffer[1] & 0xFE == 0xF8 else {
                throw ScrubError.malformed("no FLAC frame sync code after the metadata blocks, at offset \(buffer.offset)")
            }
        }
        while true {
            try buffer.fill(AudioTags.tailWindow + ByteReader.blockSize)
            if buffer.reachedEnd { break }
            try buffer.write(buffer.count - AudioTags.tailWindow, to: sink)
        }
        let end = try AudioTags.stripTrailingTags(from: buffer, report: &report)
        try buffer.write(end, to: sink)
        try buffer.skip(buffer.count, place: "")
    }

    /// The report label of a dropped block type.
    static func label(_ type: UInt8) -> String {
        switch type {
        case 1: "FLAC padding"
        case 2: "FLAC APPLICATION block"
        case 4: "FLAC Vorbis comment (tags and vendor string)"
        case 5: "FLAC cue sheet"
        case 6: "FLAC picture"
        default: "FLAC metadata block of reserved type \(type)"
        }
    }
}
