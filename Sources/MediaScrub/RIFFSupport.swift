/// Shared machinery for chunked containers: RIFF (WAV, WebP; little-endian sizes) and IFF `FORM` (AIFF; big-endian).
///
/// A container is a 12-byte header (magic, size, form type) and a list of chunks (type, size, payload,
/// a pad byte after an odd payload). Scrubbing drops chunks, so the container size shrinks; it is written
/// before the chunks, so it must be known first. The walk holds the kept chunks before the streamed
/// payload chunk (`data`, `SSND`) in memory, capped, then writes the header with the final size and
/// streams the payload; chunks after the payload are dropped. Containers without a streamed chunk (WebP)
/// are held whole, within the cap.
struct ChunkContainer {
    enum ByteOrder { case little, big }

    /// What to do with one top-level chunk.
    enum Decision {
        /// Keep it, after passing its payload through `edit`, which may change it or throw.
        case keep(edit: ([UInt8]) throws -> [UInt8])
        /// Drop it and count it under `label`.
        case drop(label: String)
        /// Stream it as the container's last kept chunk; what follows is dropped.
        case stream
    }

    /// The format's name in messages, e.g. "WAV".
    let name: String
    /// "RIFF" or "FORM".
    let magic: [UInt8]
    let byteOrder: ByteOrder
    /// Accepted form types, e.g. ["WAVE"].
    let formTypes: Set<String>
    /// The most bytes of kept chunks held in memory.
    let maxHeldBytes: Int

    static let maxChunks = 1_000_000

    /// The four bytes of a chunk or form type as text, with bytes outside printable ASCII as `\xNN`.
    static func typeName(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            if (0x20...0x7E).contains(byte) {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }

    func readSize(_ bytes: ArraySlice<UInt8>) -> Int {
        let b = Array(bytes)
        switch byteOrder {
        case .little: return Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16 | Int(b[3]) << 24
        case .big: return Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        }
    }

    func sizeBytes(_ size: Int) -> [UInt8] {
        let shifts = byteOrder == .little ? [0, 8, 16, 24] : [24, 16, 8, 0]
        return shifts.map { UInt8(truncatingIfNeeded: size >> $0) }
    }

    /// A chunk as it appears in a file: header, payload, pad byte when odd.
    func chunkBytes(type: some Collection<UInt8>, payload: some Collection<UInt8>) -> [UInt8] {
        Array(type) + sizeBytes(payload.count) + payload + (payload.count % 2 == 1 ? [0] : [])
    }

    /// Passes each chunk of `payload` (a nested chunk list, e.g. inside a WebP ANMF) to `body` as (type, payload),
    /// without copying them: a list of empty chunks would take many times its own size.
    func forEachNestedChunk(
        _ payload: ArraySlice<UInt8>, place: String, _ body: (_ type: ArraySlice<UInt8>, _ payload: ArraySlice<UInt8>) throws -> Void
    ) throws {
        var index = payload.startIndex
        while index < payload.endIndex {
            guard payload.endIndex - index >= 8 else {
                throw ScrubError.malformed("\(place) ends with \(payload.endIndex - index) bytes too short for a chunk header")
            }
            let type = payload[index..<(index + 4)]
            let size = readSize(payload[(index + 4)..<(index + 8)])
            let start = index + 8
            guard size <= payload.endIndex - start else {
                throw ScrubError.malformed("the chunk \(Self.typeName(type)) inside \(place) is longer than its container")
            }
            try body(type, payload[start..<(start + size)])
            index = start + size + (size % 2)
        }
    }

    /// Walks the container from `source` to `sink`, asking `decide` about each top-level chunk
    /// (its type, its index among the chunks, whether the streamed chunk has passed; after it
    /// every chunk is dropped whatever `decide` says); `finish` checks what was kept, before
    /// anything is written, for containers without a streamed chunk.
    func scrub(
        from source: any ByteSource,
        to sink: any ByteSink,
        report: inout RemovalReport,
        decide: (_ type: String, _ index: Int, _ afterStream: Bool) throws -> Decision,
        finish: (_ kept: [(type: [UInt8], payload: [UInt8])]) throws -> Void
    ) throws {
        let reader = ByteReader(source)
        let header = try reader.read(exactly: 12, place: "inside the \(name) header")
        guard Array(header[0..<4]) == magic else {
            throw ScrubError.malformed("the \(name) file does not start with \(Self.typeName(magic))")
        }
        let formType = Self.typeName(header[8..<12])
        guard formTypes.contains(formType) else {
            throw ScrubError.malformed("the \(name) form type is \(formType)")
        }
        let formSize = readSize(header[4..<8])
        guard formSize >= 4 else { throw ScrubError.malformed("the \(name) container size \(formSize) is smaller than its form type") }
        let end = 8 + formSize
        // Writers often get the container size wrong (exiftool's RIFF.wav claims 16 bytes too few).
        // Once a chunk runs past the stated end, the size is ignored and chunks are read to the end of the file.
        var trustsSize = true
        var kept: [(type: [UInt8], payload: [UInt8])] = []
        var heldBytes = 0
        var streamed = false
        var index = 0
        while trustsSize ? reader.offset < end : !(try reader.buffered().isEmpty) {
            guard index < Self.maxChunks else { throw ScrubError.tooLarge("more than \(Self.maxChunks) chunks in the \(name) file") }
            let chunkStart = reader.offset
            guard !trustsSize || end - chunkStart >= 8 else {
                throw ScrubError.malformed("the \(name) container ends with \(end - chunkStart) bytes at offset \(chunkStart), too short for a chunk header")
            }
            let chunkHeader = try reader.read(exactly: 8, place: "inside the \(name) chunk header at offset \(chunkStart)")
            let typeBytes = Array(chunkHeader[0..<4])
            let type = Self.typeName(typeBytes)
            let size = readSize(chunkHeader[4..<8])
            let payloadEnd = chunkStart + 8 + size
            if payloadEnd > end { trustsSize = false }
            // A missing pad byte after an odd last chunk is a common writer bug; tolerate it.
            let padding = size % 2 == 1 && (trustsSize ? payloadEnd < end : true) ? 1 : 0
            let place = "inside the \(name) chunk \(type) at offset \(chunkStart)"
            var decision = try decide(type, index, streamed)
            if streamed, case .drop = decision {} else if streamed {
                decision = .drop(label: "\(name) chunk \(type) after the streamed data")
            }
            switch decision {
            case .drop(let label):
                try reader.stream(size, place: place) { _ in }
                try skipPadding(padding, reader: reader, strict: trustsSize, place: place)
                report.noteRemoved(label, bytes: reader.offset - chunkStart)
            case .keep(let edit):
                guard size <= maxHeldBytes - heldBytes else {
                    throw ScrubError.tooLarge("the \(name) chunks to keep exceed \(maxHeldBytes >> 20) MiB")
                }
                let payload = try edit(try reader.read(exactly: size, place: place))
                try skipPadding(padding, reader: reader, strict: trustsSize, place: place)
                heldBytes += payload.count
                kept.append((typeBytes, payload))
            case .stream:
                let total = 4 + kept.reduce(0) { $0 + 8 + $1.payload.count + $1.payload.count % 2 } + 8 + size + size % 2
                guard total <= 0xFFFF_FFFF else { throw ScrubError.tooLarge("the cleaned \(name) file would exceed 4 GiB") }
                try sink.write(magic + sizeBytes(total) + Array(header[8..<12]))
                for chunk in kept { try sink.write(chunkBytes(type: chunk.type, payload: chunk.payload)) }
                kept = []
                try sink.write(chunkHeader)
                try reader.stream(size, place: place) { try sink.write($0) }
                try skipPadding(padding, reader: reader, strict: trustsSize, place: place)
                if size % 2 == 1 { try sink.write([0]) }
                streamed = true
            }
            index += 1
        }
        if !streamed {
            try finish(kept)
            let total = 4 + kept.reduce(0) { $0 + 8 + $1.payload.count + $1.payload.count % 2 }
            try sink.write(magic + sizeBytes(total) + Array(header[8..<12]))
            for chunk in kept { try sink.write(chunkBytes(type: chunk.type, payload: chunk.payload)) }
        }
        let trailing = try reader.drain()
        if trailing > 0 { report.noteRemoved("data after the \(name) container", bytes: trailing) }
    }

    /// Consumes a pad byte; where the container size is not trusted, the file may end instead.
    private func skipPadding(_ count: Int, reader: ByteReader, strict: Bool, place: String) throws {
        guard count > 0 else { return }
        if strict {
            _ = try reader.read(exactly: count, place: place)
        } else {
            _ = try reader.readByte()
        }
    }
}
