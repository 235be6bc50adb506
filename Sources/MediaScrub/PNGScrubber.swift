/// Cleans PNG files by copying an allowlist of chunks byte for byte and dropping the rest.
///
/// Kept: the critical chunks, the colour and layout chunks decoders need, and the APNG
/// animation chunks. Dropped: text, time, Exif and every unknown chunk, wherever it sits,
/// and anything after IEND. Kept chunks are streamed with their CRC checked on the fly, except
/// iCCP, whose profile is inflated, cleaned by `ICCProfile` (compressed again when that blanked anything,
/// copied as it was otherwise) and renamed "ICC profile"; an iCCP that cannot be read is dropped.
struct PNGScrubber: Scrubber {
    var mediaType: MediaType { .png }

    static let keptChunkTypes: Set<String> = [
        "IHDR", "PLTE", "IDAT", "IEND",
        "iCCP", "sRGB", "gAMA", "cHRM", "sBIT", "tRNS", "bKGD", "pHYs",
        "acTL", "fcTL", "fdAT",
    ]
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
            // A PNG has one profile; inflating every one of thousands of small compressed ones would take hours.
            guard Self.keptChunkTypes.contains(type), type != "iCCP" || !sawICCP else {
                try reader.stream(length + 4, place: place) { _ in }
                report.noteRemoved(type == "iCCP" ? "second ICC profile (iCCP)" : Self.label(type), bytes: length + 12)
                continue
            }
            if type == "iCCP" {
                sawICCP = true
                try Self.cleanICCP(length: length, chunkStart: chunkStart, reader: reader, sink: sink, report: &report)
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
