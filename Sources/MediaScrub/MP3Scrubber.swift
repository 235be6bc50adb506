/// Cleans MP3 files: drops ID3v2, ID3v1 (and TAG+), APEv2 and Lyrics3 tags wherever they sit,
/// blanks the encoder version in a Xing/Info (LAME) frame, and copies every MPEG audio frame byte for byte except the
/// ancillary bits of Layer III frames, where LAME writes its version again (`LayerIIIAncillaryEraser`).
///
/// Every frame must be confirmed by what follows it (another frame header of the same stream, a tag, or the
/// end of the audio); bytes that are neither a tag nor a confirmed frame are dropped and reported.
/// Tags at the end are found by holding back the last `AudioTags.tailWindow` bytes until the input ends.
/// A FLAC stream behind a leading ID3v2 tag is handed to `FLACScrubber`.
struct MP3Scrubber: Scrubber {
    var mediaType: MediaType { .mp3 }

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let buffer = LookaheadBuffer(ByteReader(source))
        var report = RemovalReport(mediaType: .mp3)
        try AudioTags.skipLeadingID3v2(buffer, report: &report)
        try buffer.fill(4)
        if buffer.matches(FLACScrubber.signature) {
            report.mediaType = .flac
            try FLACScrubber.scrubStream(buffer, to: sink, report: &report)
            return report
        }
        var audioEnd: Int?
        var frames = 0
        let ancillary = LayerIIIAncillaryEraser()
        while true {
            try buffer.fill(AudioTags.tailWindow)
            if buffer.reachedEnd && audioEnd == nil {
                audioEnd = buffer.offset + (try AudioTags.stripTrailingTags(from: buffer, report: &report))
            }
            let available = min(buffer.count, (audioEnd ?? Int.max) - buffer.offset)
            if available == 0 { break }
            if let size = AudioTags.id3v2Size(in: buffer) {
                guard audioEnd == nil || size <= available else {
                    throw ScrubError.malformed("the ID3v2 tag at offset \(buffer.offset) runs into the tags at the end")
                }
                try buffer.skip(size, place: "inside the ID3v2 tag at offset \(buffer.offset)")
                report.noteRemoved("ID3v2 tag", bytes: size)
                continue
            }
            if let size = try AudioTags.apeSizeFromHeader(in: buffer) {
                guard audioEnd == nil || size <= available else {
                    throw ScrubError.malformed("the APEv2 tag at offset \(buffer.offset) runs into the tags at the end")
                }
                try buffer.skip(size, place: "inside the APEv2 tag at offset \(buffer.offset)")
                report.noteRemoved("APEv2 tag", bytes: size)
                continue
            }
            let atEnd = audioEnd != nil
            if let header = MPEGFrameHeader(buffer, at: 0, limit: available),
               isConfirmed(header, at: 0, in: buffer, available: available, atEnd: atEnd)
            {
                let length = min(header.frameLength, available)
                var frame = Array(buffer.bytes(0..<length))
                try buffer.skip(length, place: "")
                let isVBRHeader = frames == 0 && Self.hasVBRHeader(frame, header: header)
                if isVBRHeader, let blanked = Self.blankingEncoderVersion(frame, header: header) {
                    frame = blanked
                    report.noteRemoved("encoder version in the Xing/Info (LAME) frame", bytes: 5)
                }
                try ancillary.add(frame, header: header, keep: isVBRHeader, to: sink, report: &report)
                frames += 1
                continue
            }
            let searchEnd = atEnd ? available : max(1, available - 8192)
            let next = (1..<max(searchEnd, 2)).first { index in
                guard index < available, let header = MPEGFrameHeader(buffer, at: index, limit: available) else { return false }
                return isConfirmed(header, at: index, in: buffer, available: available, atEnd: atEnd)
            } ?? min(searchEnd, available)
            try buffer.skip(next, place: "")
            report.noteRemoved("data that is not MPEG audio", bytes: next)
        }
        guard frames > 0 else { throw ScrubError.malformed("no MPEG audio frames were found") }
        try ancillary.finish(to: sink, report: &report)
        try buffer.skip(buffer.count, place: "")
        return report
    }

    /// True when the frame at `index` is followed by another frame header, a tag, or the end of the audio.
    private func isConfirmed(_ header: MPEGFrameHeader, at index: Int, in buffer: LookaheadBuffer, available: Int, atEnd: Bool) -> Bool {
        let next = index + header.frameLength
        if next >= available { return atEnd }
        if next + 4 > available { return false }
        if let following = MPEGFrameHeader(buffer, at: next, limit: available) {
            return following.sameStream(as: header)
        }
        return buffer.matches(AudioTags.id3, at: next) || buffer.matches(AudioTags.apeTag, at: next)
    }

    /// True when `frame` is a Xing/Info or VBRI header frame (frame count, seek table, LAME tag) rather than audio.
    static func hasVBRHeader(_ frame: [UInt8], header: MPEGFrameHeader) -> Bool {
        header.layer == 3 && (xingTagOffset(frame, header: header) != nil || frame.dropFirst(36).prefix(4).elementsEqual("VBRI".utf8))
    }

    /// Where a Xing/Info tag starts in a Layer III frame: after the side information, counted without the CRC as LAME
    /// and decoders do, or (other writers) after it.
    static func xingTagOffset(_ frame: [UInt8], header: MPEGFrameHeader) -> Int? {
        [header.mainDataStart - (header.hasCRC ? 2 : 0), header.mainDataStart].first { offset in
            let tag = frame.dropFirst(offset).prefix(4)
            return offset + 8 <= frame.count && (tag.elementsEqual("Xing".utf8) || tag.elementsEqual("Info".utf8))
        }
    }

    /// The first frame with its LAME encoder version blanked, or nil when it has no Xing/Info LAME tag.
    ///
    /// The four-letter encoder family ("LAME", "Lavf", "Lavc") stays, because decoders look for it before
    /// reading the encoder delay and padding (gapless playback); the version after it goes. The tag's CRC-16
    /// is recomputed when it was right before.
    static func blankingEncoderVersion(_ frame: [UInt8], header: MPEGFrameHeader) -> [UInt8]? {
        guard header.layer == 3, let xing = xingTagOffset(frame, header: header) else { return nil }
        let flags = frame[xing + 7]
        var lame = xing + 8
        if flags & 1 != 0 { lame += 4 }
        if flags & 2 != 0 { lame += 4 }
        if flags & 4 != 0 { lame += 100 }
        if flags & 8 != 0 { lame += 4 }
        let crcAt = lame + 34
        guard crcAt + 2 <= frame.count else { return nil }
        let version = frame[(lame + 4)..<(lame + 9)]
        guard frame[lame..<(lame + 4)].allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }),
              version.contains(where: { $0 != 0x20 && $0 != 0 })
        else { return nil }
        var result = frame
        let crcWasRight = crc16(frame[0..<crcAt]) == UInt16(frame[crcAt]) << 8 | UInt16(frame[crcAt + 1])
        for index in (lame + 4)..<(lame + 9) { result[index] = 0x20 }
        if crcWasRight {
            let crc = crc16(result[0..<crcAt])
            result[crcAt] = UInt8(crc >> 8)
            result[crcAt + 1] = UInt8(crc & 0xFF)
        }
        return result
    }

    /// CRC-16/ARC (polynomial 0x8005, reflected), as the LAME tag uses it.
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }
}
