import Foundation

/// Hostile files made at run time (never committed), written in blocks so the test process holds little of them.
public enum CraftedFiles {
    /// A new file written front to back.
    final class Writer {
        private let handle: FileHandle
        private var buffer: [UInt8] = []

        init(_ url: URL) throws {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
        }

        func write(_ bytes: [UInt8]) throws {
            buffer += bytes
            if buffer.count >= 1 << 20 { try flush() }
        }

        func close() throws {
            try flush()
            try handle.close()
        }

        private func flush() throws {
            try handle.write(contentsOf: Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }

    static func be(_ value: Int, _ width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        be(payload.count + 8, 4) + Array(type.utf8) + payload
    }

    /// An MP4 whose media data comes first (as phones write it) and whose `moovs` movie boxes each hold `tracks`
    /// timed-metadata tracks of `chunks` chunks, every chunk a 4-byte sample of its own, 8 bytes apart: ranges to
    /// zero that never merge. Most of them lie past the end of the file, as a hostile table may claim.
    public static func metadataTrackMovie(at url: URL, moovs: Int, tracks: Int, chunks: Int) throws {
        let writer = try Writer(url)
        let ftyp = box("ftyp", Array("isom".utf8) + [0, 0, 0, 0] + Array("isommp41".utf8))
        let mdatPayload = 1 << 16
        try writer.write(ftyp + be(mdatPayload + 8, 4) + Array("mdat".utf8) + [UInt8](repeating: 0x5A, count: mdatPayload))
        let mediaStart = ftyp.count + 8
        let mvhd = box("mvhd", [UInt8](repeating: 0, count: 12) + be(1000, 4) + [UInt8](repeating: 0, count: 84))
        let stcoSize = 16 + 4 * chunks
        let sampleTables = box("stsd", be(0, 8)) + box("stsc", be(0, 4) + be(1, 4) + be(1, 4) + be(1, 4) + be(1, 4))
            + box("stsz", be(0, 4) + be(4, 4) + be(chunks, 4))
        for _ in 0..<moovs {
            let mdhd = box("mdhd", [UInt8](repeating: 0, count: 12) + be(1000, 4) + [UInt8](repeating: 0, count: 8))
            let hdlr = box("hdlr", be(0, 8) + Array("meta".utf8) + [UInt8](repeating: 0, count: 13))
            let nmhd = box("nmhd", be(0, 4))
            let stblSize = 8 + sampleTables.count + stcoSize
            let minfSize = 8 + nmhd.count + stblSize
            let mdiaSize = 8 + mdhd.count + hdlr.count + minfSize
            let tkhdPayload = 84
            let trakSize = 8 + 8 + tkhdPayload + mdiaSize
            try writer.write(be(8 + mvhd.count + tracks * trakSize, 4) + Array("moov".utf8) + mvhd)
            for track in 0..<tracks {
                let tkhd = box("tkhd", be(7, 4) + be(0, 8) + be(track + 1, 4) + [UInt8](repeating: 0, count: tkhdPayload - 16))
                try writer.write(be(trakSize, 4) + Array("trak".utf8) + tkhd + be(mdiaSize, 4) + Array("mdia".utf8) + mdhd + hdlr
                    + be(minfSize, 4) + Array("minf".utf8) + nmhd + be(stblSize, 4) + Array("stbl".utf8) + sampleTables
                    + be(stcoSize, 4) + Array("stco".utf8) + be(0, 4) + be(chunks, 4))
                var block: [UInt8] = []
                block.reserveCapacity(1 << 16)
                for chunk in 0..<chunks {
                    let offset = UInt32(truncatingIfNeeded: mediaStart + (chunk * tracks + track) * 8)
                    block.append(UInt8(truncatingIfNeeded: offset >> 24))
                    block.append(UInt8(truncatingIfNeeded: offset >> 16))
                    block.append(UInt8(truncatingIfNeeded: offset >> 8))
                    block.append(UInt8(truncatingIfNeeded: offset))
                    if block.count >= 1 << 16 {
                        try writer.write(block)
                        block.removeAll(keepingCapacity: true)
                    }
                }
                try writer.write(block)
            }
        }
        try writer.close()
    }

    /// A 1×1 GIF whose graphic control extension runs on for about `bytes` bytes of 255-byte sub-blocks.
    public static func gifWithLongControlExtension(at url: URL, bytes: Int) throws {
        let writer = try Writer(url)
        try writer.write(Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0] + [0x21, 0xF9])
        let subBlocks = [UInt8](repeating: 0, count: 64).flatMap { _ in [255] + [UInt8](repeating: 0x41, count: 255) }
        for _ in 0..<max(1, bytes / subBlocks.count) { try writer.write(subBlocks) }
        try writer.write([0, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0, 0x3B])
        try writer.close()
    }

    /// An Ogg Opus file of identification and comment headers followed by `pages` pages that carry nothing
    /// (27 bytes each), the last one ending the stream.
    public static func opusOfEmptyPages(at url: URL, pages: Int) throws {
        let writer = try Writer(url)
        let head = Array("OpusHead".utf8) + [1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0]
        let tags = Array("OpusTags".utf8) + [0, 0, 0, 0, 0, 0, 0, 0]
        try writer.write(oggPage(type: 0x02, granule: 0, sequence: 0, lacing: [UInt8(head.count)], body: head))
        try writer.write(oggPage(type: 0x00, granule: 0, sequence: 1, lacing: [UInt8(tags.count)], body: tags))
        for index in 0..<pages {
            try writer.write(oggPage(type: index == pages - 1 ? 0x04 : 0x00, granule: UInt64.max, sequence: UInt32(2 + index), lacing: [], body: []))
        }
        try writer.close()
    }

    static func oggPage(type: UInt8, granule: UInt64, sequence: UInt32, lacing: [UInt8], body: [UInt8]) -> [UInt8] {
        func le(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        var page = Array("OggS".utf8) + [0, type] + le(granule, 8) + le(0x5EED, 4) + le(UInt64(sequence), 4) + le(0, 4)
            + [UInt8(lacing.count)] + lacing + body
        let crc = page.reduce(UInt32(0)) { crc, byte in (crc << 8) ^ oggCRCTable[Int((crc >> 24) ^ UInt32(byte))] }
        page.replaceSubrange(22..<26, with: le(UInt64(crc), 4))
        return page
    }

    /// The Ogg CRC-32 table (polynomial 0x04C11DB7, not reflected), spelled out here rather than taken from the library.
    static let oggCRCTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04C1_1DB7 : c << 1 }
        return c
    }
}
