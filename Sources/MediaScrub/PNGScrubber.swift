/// Cleans PNG files by copying an allowlist of chunks byte for byte and dropping the rest.
///
/// Kept: the critical chunks, the colour and layout chunks decoders need, and the APNG
/// animation chunks. Dropped: text, time, Exif and every unknown chunk, wherever it sits,
/// and anything after IEND. Kept chunks are streamed with their CRC checked on the fly.
struct PNGScrubber: Scrubber {
    var mediaType: MediaType { .png }

    static let keptChunkTypes: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND",
        "iCCP", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs",
        "acTL", "fcTL", "fdAT",
    ]
    static let maxChunkLength = 0x7FFF_FFFF

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let reader = ByteReader(source)
        var report = RemovalReport(mediaType: .png)
        let signature = try reader.read(exactly: 8, place: "inside the PNG signature")
        guard signature == MediaSniffer.pngSignature else { throw ScrubError.malformed("the PNG signature is wrong") }
        try sink.write(signature)
        var isFirstChunk = true
        while true {
            let chunkStart = reader.offset
            let header = try reader.read(exactly: 8, place: "before the PNG IEND chunk")
            let length = Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3])
            let typeBytes = header[4..<8]
            guard typeBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
                throw ScrubError.malformed("the PNG chunk at offset \(chunkStart) has a type that is not four letters")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= Self.maxChunkLength else {
                throw ScrubError.malformed("the PNG chunk \(type) at offset \(chunkStart) claims \(length) bytes, more than 2^31-1")
            }
            guard !isFirstChunk || type == "IHDR" else {
                throw ScrubError.malformed("the first PNG chunk is \(type), not IHDR")
            }
            isFirstChunk = false
            let place = "inside the PNG chunk \(type) at offset \(chunkStart)"
            guard Self.keptChunkTypes.contains(type) else {
                try reader.stream(length + 4, place: place) { _ in }
                report.noteRemoved(Self.label(type), bytes: length + 12)
                continue
            }
            try sink.write(header)
            var crc = CRC32()
            crc.update(typeBytes)
            try reader.stream(length, place: place) { piece in
                crc.update(piece)
                try sink.write(piece)
            }
            let storedCRC = try reader.read(exactly: 4, place: place)
            let expected = crc.value
            guard storedCRC == [24, 16, 8, 0].map({ UInt8(truncatingIfNeeded: expected >> $0) }) else {
                throw ScrubError.malformed("the CRC of the PNG chunk \(type) at offset \(chunkStart) does not match its contents")
            }
            try sink.write(storedCRC)
            if type == "IEND" {
                let trailing = try reader.drain()
                if trailing > 0 { report.noteRemoved("data after end of image", bytes: trailing) }
                return report
            }
        }
    }

    /// The report label of a dropped chunk.
    static func label(_ type: String) -> String {
        switch type {
        case "tEXt", "zTXt", "iTXt": "PNG text chunk \(type)"
        case "tIME": "PNG time chunk tIME"
        case "eXIf": "PNG Exif chunk eXIf"
        default: "PNG chunk \(type)"
        }
    }
}
