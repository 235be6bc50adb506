/// One Ogg page as it sits in a file (header, lacing values, body; at most 65,307 bytes), its fields read in place.
struct OggPage {
    /// The page's bytes, CRC included.
    private(set) var bytes: [UInt8]
    var offset = 0

    static let headerLength = 27

    var headerType: UInt8 { bytes[5] }
    var serial: UInt32 { Self.littleEndian(bytes[14..<18]) }

    /// The page sequence number; setting it recomputes the CRC.
    var sequence: UInt32 {
        get { Self.littleEndian(bytes[18..<22]) }
        set {
            Self.store(newValue, in: &bytes, at: 18)
            Self.store(Self.crc(bytes), in: &bytes, at: 22)
        }
    }

    var lacing: ArraySlice<UInt8> { bytes[Self.headerLength..<(Self.headerLength + Int(bytes[26]))] }
    var body: ArraySlice<UInt8> { bytes[(Self.headerLength + Int(bytes[26]))...] }

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

    private init(bytes: [UInt8], offset: Int) {
        self.bytes = bytes
        self.offset = offset
    }

    /// A page of the given fields, its CRC computed.
    init(headerType: UInt8, granule: [UInt8], serial: UInt32, sequence: UInt32, lacing: [UInt8], body: [UInt8]) {
        bytes = OggScrubber.capture + [0, headerType] + granule + [UInt8](repeating: 0, count: 12) + [UInt8(lacing.count)] + lacing + body
        Self.store(serial, in: &bytes, at: 14)
        self.sequence = sequence
    }

    /// The next page, its CRC checked, or nil at the end of the input.
    static func read(from reader: ByteReader) throws -> OggPage? {
        let offset = reader.offset
        if try reader.buffered().isEmpty { return nil }
        var bytes = try reader.read(exactly: headerLength, place: "inside the Ogg page at offset \(offset)")
        guard bytes.starts(with: OggScrubber.capture), bytes[4] == 0 else {
            throw ScrubError.malformed("no Ogg page (version 0) at offset \(offset)")
        }
        try reader.append(exactly: Int(bytes[26]), to: &bytes, place: "inside the Ogg page at offset \(offset)")
        let bodyLength = bytes[headerLength...].reduce(0) { $0 + Int($1) }
        try reader.append(exactly: bodyLength, to: &bytes, place: "inside the Ogg page at offset \(offset)")
        guard crc(bytes) == littleEndian(bytes[22..<26]) else {
            throw ScrubError.malformed("the CRC of the Ogg page at offset \(offset) does not match its contents")
        }
        return OggPage(bytes: bytes, offset: offset)
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

    /// The Ogg CRC-32 of a page: polynomial 0x04C11DB7, not reflected, initial value 0, over the page with its CRC
    /// field (bytes 22..<26) taken as zeros.
    static func crc(_ page: [UInt8]) -> UInt32 {
        crcTable.withUnsafeBufferPointer { table in
            page.withUnsafeBufferPointer { bytes in
                var crc: UInt32 = 0
                for index in 0..<22 { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(bytes[index]))] }
                for _ in 22..<26 { crc = (crc << 8) ^ table[Int(crc >> 24)] }
                for index in 26..<bytes.count { crc = (crc << 8) ^ table[Int((crc >> 24) ^ UInt32(bytes[index]))] }
                return crc
            }
        }
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        return c
    }

    private static func store(_ value: UInt32, in bytes: inout [UInt8], at index: Int) {
        for shift in 0..<4 { bytes[index + shift] = UInt8(truncatingIfNeeded: value >> (8 * shift)) }
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
