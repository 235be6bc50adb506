/// Cleans PNG files by copying an allowlist of chunks byte for byte and dropping the rest.
///
/// Kept: the critical chunks, the colour and layout chunks decoders need, and the APNG
/// animation chunks. Dropped: text, time, Exif and every unknown chunk, wherever it sits, whatever its CRC,
/// and anything after IEND. IDAT and fdAT are streamed with their CRC checked on the fly; other kept chunks are
/// read whole first, so that an ancillary one with a bad CRC can be dropped, as libpng ignores it. iCCP's
/// profile is inflated, cleaned by `ICCProfile` (compressed again when that blanked anything, copied as it was
/// otherwise) and renamed "ICC profile"; an iCCP that cannot be read is dropped.
/// A file cut short once its image data has begun is kept as received from the cut chunk on
/// (`RemovalReport.keptAsReceivedAfter`); one cut inside a dropped chunk, which may be metadata, is refused.
struct PNGScrubber: Scrubber {
    var mediaType: MediaType { .png }

    static let keptChunkTypes: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND",
        "iCCP", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs",
        "acTL", "fcTL", "fdAT",
    ]
    /// Kept chunks that hold image data: streamed, and a file cut short inside one is kept as received.
    static let imageDataTypes: Set<String> = ["IDAT", "fdAT"]
    /// Every other kept chunk is read whole before it is written, so one with a bad CRC can still be left out; none
    /// of their types holds more than 768 bytes (PLTE).
    static let maxSmallChunkLength = 4096
    static let maxChunkLength = 0x7FFF_FFFF
    /// The largest iCCP chunk, and the largest profile it may inflate to, that is held in memory.
    static let maximumICCPBytes = 16 << 20
    static let iccpName = "ICC profile"

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let reader = ByteReader(source)
        var report = RemovalReport(mediaType: .png)
        let signature = try reader.read(exactly: 8, place: "inside the PNG signature")
        guard signature == MediaSniffer.pngSignature else { throw ScrubError.malformed("the PNG signature is wrong") }
        try sink.write(signature)
        var isFirstChunk = true
        var sawICCP = false
        var sawImageData = false
        while true {
            let chunkStart = reader.offset
            let header = try reader.read(upTo: 8)
            let length = header.count == 8 ? Int(header[0]) << 24 | Int(header[1]) << 16 | Int(header[2]) << 8 | Int(header[3]) : 0
            let typeBytes = header.dropFirst(4)
            let isLetters = typeBytes.allSatisfy { (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
            // After the image data, a chunk that cannot start ends the image: what is left is dropped, unread.
            if sawImageData && (header.count < 8 || !isLetters || length > Self.maxChunkLength) {
                let unreadable = header.count + (try reader.drain())
                if unreadable > 0 { report.noteRemoved("unreadable data after the image", bytes: unreadable) }
                report.keptAsReceivedAfter = chunkStart
                return report
            }
            guard header.count == 8 else { throw ScrubError.truncated("before the PNG IEND chunk") }
            guard isLetters else {
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
            // A PNG has one profile; inflating every one of thousands of small compressed ones would take hours.
            // Dropped chunks are dropped whatever their CRC; one cut short is refused, as it may be metadata.
            guard Self.keptChunkTypes.contains(type), type != "iCCP" || !sawICCP else {
                try reader.stream(length + 4, place: place) { _ in }
                report.noteRemoved(type == "iCCP" ? "second ICC profile (iCCP)" : Self.label(type), bytes: length + 12)
                continue
            }
            if type == "iCCP" {
                sawICCP = true
                guard length <= Self.maximumICCPBytes else {
                    throw ScrubError.tooLarge("the PNG iCCP chunk at offset \(chunkStart) holds \(length) bytes")
                }
                let chunk = try reader.read(exactly: length + 4, place: place)
                guard Self.crcMatches(type: typeBytes, data: chunk.dropLast(4), stored: chunk.suffix(4)) else {
                    report.noteRemoved("PNG chunk with a bad CRC, dropped (iCCP)", bytes: length + 12)
                    continue
                }
                let chunkReader = ByteReader(MemoryByteSource(chunk))
                try Self.cleanICCP(length: length, chunkStart: chunkStart, reader: chunkReader, sink: sink, report: &report)
                continue
            }
            if Self.imageDataTypes.contains(type) {
                sawImageData = true
                guard try Self.copyImageData(header: header, length: length, chunkStart: chunkStart, reader: reader, sink: sink) else {
                    report.keptAsReceivedAfter = chunkStart
                    return report
                }
                continue
            }
            let isCritical = typeBytes.first! & 0x20 == 0
            guard length <= Self.maxSmallChunkLength else {
                guard !isCritical else {
                    throw ScrubError.malformed("the PNG chunk \(type) at offset \(chunkStart) claims \(length) bytes, more than its type holds")
                }
                try reader.stream(length + 4, place: place) { _ in }
                report.noteRemoved("oversized PNG chunk, dropped (\(type))", bytes: length + 12)
                continue
            }
            let chunk = try reader.read(upTo: length + 4)
            guard chunk.count == length + 4 else {
                guard sawImageData else { throw ScrubError.truncated(place) }
                report.noteRemoved("unreadable data after the image", bytes: 8 + chunk.count)
                report.keptAsReceivedAfter = chunkStart
                return report
            }
            guard Self.crcMatches(type: typeBytes, data: chunk.dropLast(4), stored: chunk.suffix(4)) else {
                // As libpng: a critical chunk with a bad CRC is an error, an ancillary one is ignored.
                guard !isCritical else {
                    throw ScrubError.malformed("the CRC of the PNG chunk \(type) at offset \(chunkStart) does not match its contents")
                }
                report.noteRemoved("PNG chunk with a bad CRC, dropped (\(type))", bytes: length + 12)
                continue
            }
            try sink.write(header + chunk)
            if type == "IEND" {
                let trailing = try reader.drain()
                if trailing > 0 { report.noteRemoved("data after end of image", bytes: trailing) }
                return report
            }
        }
    }

    /// Streams one IDAT or fdAT chunk (its 8-byte `header` already read) with its CRC checked on the fly. False when
    /// the input ends inside it: the part that arrived has been copied as received, as viewers show what decodes.
    static func copyImageData(header: [UInt8], length: Int, chunkStart: Int, reader: ByteReader, sink: any ByteSink) throws -> Bool {
        try sink.write(header)
        var crc = CRC32()
        crc.update(header[4..<8])
        let copied = try reader.stream(upTo: length) { piece in
            crc.update(piece)
            try sink.write(piece)
        }
        let storedCRC = try reader.read(upTo: copied == length ? 4 : 0)
        guard storedCRC.count == 4 else {
            try sink.write(storedCRC)
            return false
        }
        // Image data is critical to the picture: as libpng does for IDAT, a bad CRC is refused.
        guard storedCRC == bigEndian32(crc.value) else {
            let type = String(decoding: header[4..<8], as: UTF8.self)
            throw ScrubError.malformed("the CRC of the PNG chunk \(type) at offset \(chunkStart) does not match its contents")
        }
        try sink.write(storedCRC)
        return true
    }

    /// Whether `stored` is the CRC-32 of a chunk's type and data.
    static func crcMatches(type: ArraySlice<UInt8>, data: ArraySlice<UInt8>, stored: ArraySlice<UInt8>) -> Bool {
        var crc = CRC32()
        crc.update(type)
        crc.update(data)
        return stored.elementsEqual(bigEndian32(crc.value))
    }

    /// Reads one iCCP chunk (its 8-byte header already read) and writes it back with a neutral name and
    /// the profile's identifying fields blanked; drops it when its name, compression or profile is malformed.
    static func cleanICCP(length: Int, chunkStart: Int, reader: ByteReader, sink: any ByteSink, report: inout RemovalReport) throws {
        let place = "inside the PNG chunk iCCP at offset \(chunkStart)"
        guard length <= maximumICCPBytes else {
            throw ScrubError.tooLarge("the PNG iCCP chunk at offset \(chunkStart) holds \(length) bytes")
        }
        let data = try reader.read(exactly: length, place: place)
        let storedCRC = try reader.read(exactly: 4, place: place)
        var crc = CRC32()
        crc.update(Array("iCCP".utf8))
        crc.update(data)
        guard storedCRC == bigEndian32(crc.value) else {
            throw ScrubError.malformed("the CRC of the PNG chunk iCCP at offset \(chunkStart) does not match its contents")
        }
        guard let nameEnd = data.prefix(80).firstIndex(of: 0), nameEnd >= 1, nameEnd + 1 < data.count, data[nameEnd + 1] == 0 else {
            report.noteRemoved("malformed ICC profile (iCCP)", bytes: length + 12)
            return
        }
        let compressed = Array(data[(nameEnd + 2)...])
        let profile: [UInt8]
        let cleaned: [UInt8]
        let blanked: [String]
        do {
            profile = try Zlib.inflate(compressed, maximumOutput: maximumICCPBytes, what: "the PNG iCCP profile at offset \(chunkStart)")
            (cleaned, blanked) = try ICCProfile.clean(profile)
        } catch {
            report.noteRemoved("malformed ICC profile (iCCP)", bytes: length + 12)
            return
        }
        var newData = Array(iccpName.utf8) + [0, 0]
        if blanked.isEmpty {
            newData += compressed
        } else {
            newData += try Zlib.deflate(cleaned, what: "the cleaned PNG iCCP profile")
            report.noteRemoved("ICC profile identifying fields (\(blanked.joined(separator: ", ")))",
                               bytes: zip(profile, cleaned).filter { $0 != $1 }.count)
            report.added.append("ICC colour profile, with its identifying fields blanked")
        }
        if !data[..<nameEnd].elementsEqual(iccpName.utf8) { report.noteRemoved("ICC profile name (iCCP)", bytes: nameEnd) }
        var newCRC = CRC32()
        newCRC.update(Array("iCCP".utf8))
        newCRC.update(newData)
        try sink.write(bigEndian32(UInt32(newData.count)) + Array("iCCP".utf8) + newData + bigEndian32(newCRC.value))
    }

    static func bigEndian32(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
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
