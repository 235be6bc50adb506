/// Cleans Ogg Vorbis and Ogg Opus files by replacing the comment header with an empty one.
///
/// The identification header page is copied as it is; the comment header (and, for Vorbis, the setup
/// header that shares its pages) is re-paged with a comment header holding an empty vendor string and
/// no comments. Audio pages are copied byte for byte, except that their sequence numbers (and so their
/// CRCs) are rewritten when the number of header pages changed; granule positions never change.
/// Chained and multiplexed streams (a second beginning-of-stream page or another serial number) are refused.
struct OggScrubber: Scrubber {
    let mediaType: MediaType

    static let capture: [UInt8] = Array("OggS".utf8)
    static let vorbisIdentification: [UInt8] = [0x01] + Array("vorbis".utf8)
    static let vorbisComment: [UInt8] = [0x03] + Array("vorbis".utf8)
    static let vorbisSetup: [UInt8] = [0x05] + Array("vorbis".utf8)
    static let opusHead: [UInt8] = Array("OpusHead".utf8)
    static let opusTags: [UInt8] = Array("OpusTags".utf8)
    /// The setup header is held in memory; beyond this it is refused. The comment header is not held
    /// (only its first bytes, to check it), so large embedded cover art costs no memory.
    static let maxSetupBytes = 16 * 1024 * 1024

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let reader = ByteReader(source)
        let sink = BatchingByteSink(sink)
        var report = RemovalReport(mediaType: mediaType)
        guard let first = try OggPage.read(from: reader) else { throw ScrubError.truncated("before the first Ogg page") }
        let packets = first.packetLengths
        guard first.headerType & 0x02 != 0, first.headerType & 0x01 == 0, packets.count == 1, first.endsWithPacket else {
            throw ScrubError.malformed("the first Ogg page does not hold exactly the stream's identification header")
        }
        let isVorbis = first.body.starts(with: Self.vorbisIdentification)
        guard isVorbis || first.body.starts(with: Self.opusHead) else {
            throw ScrubError.malformed("the Ogg stream is neither Vorbis nor Opus")
        }
        let detected: MediaType = isVorbis ? .ogg : .opus
        guard detected == mediaType else {
            throw ScrubError.malformed("the Ogg stream holds \(detected.displayName), not \(mediaType.displayName)")
        }
        let serial = first.serial
        var headerPackets: [[UInt8]] = []
        var headerLengths: [Int] = []
        var current: [UInt8] = []
        var currentLength = 0
        var oldHeaderPages = 1
        let needed = isVorbis ? 2 : 1
        while headerPackets.count < needed {
            guard let page = try OggPage.read(from: reader) else { throw ScrubError.truncated("inside the Ogg header packets") }
            try Self.checkSameStream(page, serial: serial)
            guard (page.headerType & 0x01 != 0) == (currentLength > 0) else {
                throw ScrubError.malformed("the Ogg page at offset \(page.offset) has a wrong continuation flag")
            }
            oldHeaderPages += 1
            let body = page.body
            var position = body.startIndex
            for lace in page.lacing {
                guard headerPackets.count < needed else {
                    throw ScrubError.malformed("audio data shares the Ogg page at offset \(page.offset) with the headers")
                }
                let keep = headerPackets.isEmpty ? min(Int(lace), max(0, 16 - current.count)) : Int(lace)
                current += body[position..<(position + keep)]
                position += Int(lace)
                currentLength += Int(lace)
                guard current.count <= Self.maxSetupBytes else { throw ScrubError.tooLarge("the Vorbis setup header") }
                if lace < 255 {
                    headerPackets.append(current)
                    headerLengths.append(currentLength)
                    current = []
                    currentLength = 0
                }
            }
        }
        guard headerPackets[0].starts(with: isVorbis ? Self.vorbisComment : Self.opusTags),
              !isVorbis || headerPackets[1].starts(with: Self.vorbisSetup)
        else { throw ScrubError.malformed("the Ogg header packets are not in the order the codec requires") }
        let emptyComment = isVorbis ? Self.vorbisComment + [0, 0, 0, 0, 0, 0, 0, 0, 1] : Self.opusTags + [0, 0, 0, 0, 0, 0, 0, 0]
        let codec = isVorbis ? "Vorbis" : "Opus"
        if headerPackets[0] != emptyComment || headerLengths[0] != emptyComment.count {
            report.noteRemoved("\(codec) comment header (tags and vendor string)", bytes: headerLengths[0])
            report.added.append("empty \(codec) comment header")
        }
        try sink.write(first.bytes)
        let newPages = OggPage.pages(for: [emptyComment] + headerPackets.dropFirst(), serial: serial, firstSequence: first.sequence &+ 1)
        for page in newPages { try sink.write(page.bytes) }
        let shift = UInt32(truncatingIfNeeded: newPages.count + 1 - oldHeaderPages)
        var ended = false
        while !ended {
            let pageOffset = reader.offset
            let read: OggPage?
            do {
                read = try OggPage.read(from: reader)
            } catch ScrubError.truncated {
                // A recording cut short (a crashed phone) is still evidence: keep the complete pages.
                _ = try reader.drain()
                report.noteRemoved("incomplete Ogg page at the end (the file is cut short)", bytes: reader.offset - pageOffset)
                break
            }
            guard var page = read else { break }
            try Self.checkSameStream(page, serial: serial)
            if shift != 0 { page.sequence &+= shift }
            try sink.write(page.bytes)
            ended = page.headerType & 0x04 != 0
        }
        if ended {
            if try reader.buffered().starts(with: Self.capture) {
                throw ScrubError.malformed("a second Ogg stream follows the first (chained Ogg files are not supported)")
            }
            let trailing = try reader.drain()
            if trailing > 0 { report.noteRemoved("data after the end of the Ogg stream", bytes: trailing) }
        }
        try sink.flush()
        return report
    }

    private static func checkSameStream(_ page: OggPage, serial: UInt32) throws {
        guard page.serial == serial, page.headerType & 0x02 == 0 else {
            throw ScrubError.malformed("the Ogg page at offset \(page.offset) belongs to another logical stream (multiplexed or chained Ogg files are not supported)")
        }
    }
}
