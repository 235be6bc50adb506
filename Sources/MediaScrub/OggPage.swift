/// One Ogg page, header fields decoded, body held (at most 65,025 bytes).
struct OggPage {
    var headerType: UInt8
    var granule: [UInt8]
    var serial: UInt32
    var sequence: UInt32
    var lacing: [UInt8]
    var body: [UInt8]
    var offset = 0

    /// The lengths of the packets (or packet pieces) on this page.
    var packetLengths: [Int] {
        var lengths: [Int] = []
        var current = 0
        for lace in lacing {
            current += Int(lace)
            if lace < 255 {
                lengths.append(current)
                current = 0
            }
        }
        return lengths
    }

    var endsWithPacket: Bool { lacing.last.map { $0 < 255 } ?? false }

    /// The next page, its CRC checked, or nil at the end of the input.
    static func read(from reader: ByteReader) throws -> OggPage? {
        let offset = reader.offset
        if try reader.buffered().isEmpty { return nil }
        let place = "inside the Ogg page at offset \(offset)"
        let header = try reader.read(exactly: 27, place: place)
        guard header.starts(with: OggScrubber.capture), header[4] == 0 else {
            throw ScrubError.malformed("no Ogg page (version 0) at offset \(offset)")
        }
        let lacing = try reader.read(exactly: Int(header[26]), place: place)
        let body = try reader.read(exactly: lacing.reduce(0) { $0 + Int($1) }, place: place)
        var page = OggPage(
            headerType: header[5], granule: Array(header[6..<14]), serial: littleEndian(header[14..<18]),
            sequence: littleEndian(header[18..<22]), lacing: lacing, body: body)
        page.offset = offset
        guard page.crc == littleEndian(header[22..<26]) else {
            throw ScrubError.malformed("the CRC of the Ogg page at offset \(offset) does not match its contents")
        }
        return page
    }

    /// Pages carrying `packets` from the start, each page at most 255 segments, granule 0 where a packet ends.
    static func pages(for packets: [[UInt8]], serial: UInt32, firstSequence: UInt32) -> [OggPage] {
        var segments: [(bytes: ArraySlice<UInt8>, startsPacket: Bool)] = []
        for packet in packets {
            var position = 0
            repeat {
                let length = min(255, packet.count - position)
                segments.append((packet[position..<(position + length)], position == 0))
                position += length
                if length < 255 { break }
            } while true
        }
        var pages: [OggPage] = []
        var index = 0
        while index < segments.count {
            let group = segments[index..<min(index + 255, segments.count)]
            let lacing = group.map { UInt8($0.bytes.count) }
            let endsPacket = lacing.contains { $0 < 255 }
            pages.append(OggPage(
                headerType: group.first!.startsPacket ? 0 : 1,
                granule: endsPacket ? [UInt8](repeating: 0, count: 8) : [UInt8](repeating: 0xFF, count: 8),
                serial: serial, sequence: firstSequence &+ UInt32(pages.count), lacing: lacing,
                body: group.flatMap(\.bytes)))
            index += group.count
        }
        return pages
    }

    /// The page as it appears in a file, with its CRC computed.
    var fileBytes: [UInt8] {
        var bytes = header(crc: 0)
        let crc = self.crc
        for shift in 0..<4 { bytes[22 + shift] = UInt8(truncatingIfNeeded: crc >> (8 * shift)) }
        return bytes + body
    }

    private func header(crc: UInt32) -> [UInt8] {
        OggScrubber.capture + [0, headerType] + granule + Self.bytes(serial) + Self.bytes(sequence) + Self.bytes(crc)
            + [UInt8(lacing.count)] + lacing
    }

    /// The Ogg CRC-32: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC field zeroed.
    var crc: UInt32 {
        var crc: UInt32 = 0
        let table = Self.crcTable
        for byte in header(crc: 0) { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))] }
        for byte in body { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(byte))] }
        return crc
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        return c
    }

    private static func bytes(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
