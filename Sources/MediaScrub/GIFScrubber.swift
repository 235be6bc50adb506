/// Cleans GIF87a/GIF89a files, streaming block by block.
///
/// Kept, byte for byte: the header, logical screen descriptor and global colour table; every image
/// (descriptor, local colour table, LZW data sub-blocks); graphic control extensions; and the
/// `NETSCAPE2.0`/`ANIMEXTS1.0` application extensions that set looping. Dropped: comment extensions,
/// plain text extensions (text drawn over the image, which most decoders ignore; a graphic control
/// extension that governs a dropped plain text block is dropped with it, so it cannot move onto the next
/// image), every other application extension (XMP, ICC, vendor) and unknown extension, and anything
/// after the trailer.
/// A file whose last image is cut short inside its data, that lacks its trailer, or that has unreadable bytes
/// where a block should start is accepted once an image has begun: viewers show the frames that decode. The cut
/// image's data is kept as received (`RemovalReport.keptAsReceivedAfter`); unreadable bytes are dropped. A file cut
/// inside an extension, which may be metadata, is refused.
struct GIFScrubber: Scrubber {
    var mediaType: MediaType { .gif }

    static let keptApplications: Set<[UInt8]> = [Array("NETSCAPE2.0".utf8), Array("ANIMEXTS1.0".utf8)]
    static let maxBlocks = 10_000_000
    /// A graphic control extension is 8 bytes; this leaves room for writers that pad it, and no more.
    static let maxControlBytes = 64

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let reader = ByteReader(source)
        let sink = BatchingByteSink(sink)
        var report = RemovalReport(mediaType: .gif)
        let header = try reader.read(exactly: 13, place: "inside the GIF header")
        guard header.starts(with: Array("GIF87a".utf8)) || header.starts(with: Array("GIF89a".utf8)) else {
            throw ScrubError.malformed("the GIF signature is wrong")
        }
        try sink.write(header)
        try copyColourTable(flags: header[10], reader: reader, sink: sink, place: "inside the GIF global colour table")
        var pendingControl: [UInt8]?
        var sawImage = false
        /// Ends a damaged file after its first image: `unreadable` bytes read at `offset` and all after them are dropped.
        func keepAsReceived(after offset: Int, unreadable: Int) throws -> RemovalReport {
            if let control = pendingControl { try sink.write(control) }
            let dropped = unreadable + (try reader.drain())
            if dropped > 0 { report.noteRemoved("unreadable data after the image", bytes: dropped) }
            report.keptAsReceivedAfter = offset
            try sink.flush()
            return report
        }
        for _ in 0..<Self.maxBlocks {
            let blockStart = reader.offset
            guard let introducer = try reader.readByte() else {
                guard sawImage else { throw ScrubError.truncated("before the GIF trailer") }
                return try keepAsReceived(after: blockStart, unreadable: 0)
            }
            switch introducer {
            case 0x2C:
                // Descriptor, local colour table and LZW minimum code size, read whole before any is written.
                var head = [introducer] + (try reader.read(upTo: 9))
                let headSize = head.count == 10 ? 11 + Self.colourTableSize(flags: head[9]) : 10
                if head.count == 10 { head += try reader.read(upTo: headSize - 10) }
                guard head.count == headSize else {
                    guard sawImage else {
                        let what = head.count < 10 ? "image descriptor" : "image"
                        throw ScrubError.truncated("inside the GIF \(what) at offset \(blockStart)")
                    }
                    return try keepAsReceived(after: blockStart, unreadable: head.count)
                }
                if let control = pendingControl { try sink.write(control) }
                pendingControl = nil
                try sink.write(head)
                sawImage = true
                let dataStart = reader.offset
                guard try copyImageData(reader, to: sink) else {
                    report.keptAsReceivedAfter = dataStart
                    try sink.flush()
                    return report
                }
            case 0x21:
                let place = "inside the GIF extension at offset \(blockStart)"
                let label = try reader.read(exactly: 1, place: place)[0]
                switch label {
                case 0xF9:
                    if let control = pendingControl { try sink.write(control) }
                    var control: [UInt8] = [introducer, label]
                    try subBlocks(reader, place: place) { piece in
                        control += piece
                        guard control.count <= Self.maxControlBytes else {
                            throw ScrubError.malformed("the GIF graphic control extension at offset \(blockStart) is too long")
                        }
                    }
                    pendingControl = control
                case 0xFF:
                    let firstLength = try reader.read(exactly: 1, place: place)[0]
                    let identifier = try reader.read(exactly: Int(firstLength), place: place)
                    if firstLength == 11 && Self.keptApplications.contains(identifier) {
                        if let control = pendingControl { try sink.write(control) }
                        pendingControl = nil
                        try sink.write([introducer, label, firstLength] + identifier)
                        try subBlocks(reader, place: place) { try sink.write($0) }
                    } else {
                        var bytes = 3 + identifier.count
                        try subBlocks(reader, place: place) { bytes += $0.count }
                        report.noteRemoved(Self.applicationLabel(identifier), bytes: bytes)
                    }
                default:
                    var bytes = 2
                    try subBlocks(reader, place: place) { bytes += $0.count }
                    if label == 0x01, let control = pendingControl {
                        report.noteRemoved("GIF graphic control extension of a plain text block", bytes: control.count)
                        pendingControl = nil
                    }
                    report.noteRemoved(Self.extensionLabel(label), bytes: bytes)
                }
            case 0x3B:
                if let control = pendingControl { try sink.write(control) }
                try sink.write([introducer])
                let trailing = try reader.drain()
                if trailing > 0 { report.noteRemoved("data after the GIF trailer", bytes: trailing) }
                try sink.flush()
                return report
            default:
                guard !sawImage else { return try keepAsReceived(after: blockStart, unreadable: 1) }
                throw ScrubError.malformed("unexpected byte 0x\(String(introducer, radix: 16)) at offset \(blockStart) where a GIF block should start")
            }
        }
        throw ScrubError.tooLarge("more than \(Self.maxBlocks) GIF blocks")
    }

    /// Copies the colour table announced by `flags`.
    private func copyColourTable(flags: UInt8, reader: ByteReader, sink: any ByteSink, place: String) throws {
        try sink.write(try reader.read(exactly: Self.colourTableSize(flags: flags), place: place))
    }

    /// The size of the colour table announced by `flags`: bit 7 set, 3 × 2^(n+1) bytes; clear, none.
    static func colourTableSize(flags: UInt8) -> Int {
        flags & 0x80 == 0 ? 0 : 3 << (Int(flags & 0x07) + 1)
    }

    /// Copies an image's data sub-blocks and their terminator; false when the input ends first, after copying
    /// as received what there was.
    private func copyImageData(_ reader: ByteReader, to sink: any ByteSink) throws -> Bool {
        while true {
            guard let length = try reader.readByte() else { return false }
            try sink.write([length])
            if length == 0 { return true }
            guard try reader.stream(upTo: Int(length), { try sink.write($0) }) == Int(length) else { return false }
        }
    }

    /// Passes each data sub-block, length byte included, and the terminating zero byte to `body`.
    private func subBlocks(_ reader: ByteReader, place: String, _ body: (ArraySlice<UInt8>) throws -> Void) throws {
        while true {
            let length = try reader.read(exactly: 1, place: place)
            try body(length[...])
            if length[0] == 0 { return }
            try reader.stream(Int(length[0]), place: place, body)
        }
    }

    static func applicationLabel(_ identifier: [UInt8]) -> String {
        switch String(decoding: identifier, as: UTF8.self) {
        case "XMP DataXMP": "GIF XMP application extension"
        case "ICCRGBG1012": "GIF ICC profile application extension"
        default: "GIF application extension " + ChunkContainer.typeName(identifier)
        }
    }

    static func extensionLabel(_ label: UInt8) -> String {
        switch label {
        case 0xFE: "GIF comment extension"
        case 0x01: "GIF plain text extension"
        default: "GIF extension 0x" + String(label, radix: 16, uppercase: true)
        }
    }
}
