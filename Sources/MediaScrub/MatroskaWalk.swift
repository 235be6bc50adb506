/// One front-to-back pass over a Matroska file, writing as it reads.
final class MatroskaWalk {
    static let maxHeaderBytes = 4096
    static let maxIndexBytes = 1 << 20
    static let maxTracksBytes = 16 << 20
    private static let zeros = [UInt8](repeating: 0, count: ByteReader.blockSize)

    typealias IDs = MatroskaElements
    let reader: ByteReader
    let sink: any ByteSink
    var report: RemovalReport
    /// The numbers of the tracks whose frames are zeroed (`MatroskaElements.textTrackTypes`).
    var textTracks: Set<UInt64> = []
    var sawCluster = false

    init(reader: ByteReader, sink: any ByteSink, mediaType: MediaType) {
        self.reader = reader
        self.sink = sink
        report = RemovalReport(mediaType: mediaType)
    }

    /// Walks the top level: an EBML header, then its Segment, possibly more of both (chained live streams).
    func run() throws {
        var pending: EBMLElement?
        var sawHeader = false
        var sawSegment = false
        while true {
            let element: EBMLElement
            if let next = pending {
                element = next
                pending = nil
            } else {
                switch try EBMLElement.read(from: reader) {
                case .end:
                    guard sawSegment else { throw ScrubError.truncated(sawHeader ? "before the Matroska Segment" : "before the EBML header") }
                    return
                case .cut(let bytes), .invalid(let bytes):
                    guard sawSegment else { throw ScrubError.malformed("the bytes at offset \(reader.offset - bytes.count) start no EBML element") }
                    return try zeroRest(after: bytes.count)
                case .element(let read):
                    element = read
                }
            }
            let offset = reader.offset - element.header.count
            switch element.id {
            case IDs.ebmlHeader:
                try cleanHeader(element, checkDocType: !sawHeader)
                sawHeader = true
            case _ where !sawHeader:
                throw ScrubError.malformed("the file does not start with an EBML header")
            case IDs.segment:
                pending = try segment(element)
                sawSegment = true
            case IDs.void:
                try zeroVoid(element)
            case let id where IDs.levelOne.contains(id):
                throw ScrubError.malformed("the Matroska \(IDs.name(id)) at offset \(offset) lies outside any Segment")
            default:
                guard sawSegment else { throw ScrubError.malformed("the EBML header is followed by \(IDs.name(element.id)), not a Segment") }
                return try zeroRest(after: element.header.count)
            }
        }
    }

    /// Keeps the EBML header's versions and DocType, which must name this file's type.
    private func cleanHeader(_ element: EBMLElement, checkDocType: Bool) throws {
        var docType: [UInt8] = []
        try hold(element, name: "EBML header", limit: Self.maxHeaderBytes) { id, data in
            if id == IDs.docType { docType = Array(data.prefix { $0 != 0 }) }
            return IDs.keptHeaderChildren.contains(id) ? .keep : .remove(label: "unknown EBML header element")
        }
        guard checkDocType else { return }
        let expected = report.mediaType == .webm ? "webm" : "matroska"
        guard docType == Array(expected.utf8) else {
            throw ScrubError.malformed("the EBML DocType is \"\(ChunkContainer.typeName(docType.prefix(32)))\", not \(expected)")
        }
    }

    /// Walks a Segment's children; returns a top-level element that ended an unknown-size Segment.
    private func segment(_ element: EBMLElement) throws -> EBMLElement? {
        try sink.write(element.header)
        let end = element.size.map { reader.offset + $0 }
        var pending: EBMLElement?
        while true {
            if let end, reader.offset - (pending?.header.count ?? 0) >= end { return pending }
            let child: EBMLElement
            if let next = pending {
                child = next
                pending = nil
            } else {
                switch try EBMLElement.read(from: reader) {
                case .end:
                    return nil
                case .cut(let bytes):
                    try writeZeros(bytes.count)
                    report.noteRemoved("cut-off element header at the end of the file", bytes: bytes.count)
                    return nil
                case .invalid(let bytes):
                    throw ScrubError.malformed("the Matroska Segment holds no valid element at offset \(reader.offset - bytes.count)")
                case .element(let read):
                    child = read
                }
            }
            let offset = reader.offset - child.header.count
            switch child.id {
            case IDs.ebmlHeader, IDs.segment:
                guard element.size == nil else {
                    throw ScrubError.malformed("a \(IDs.name(child.id)) starts inside the Matroska Segment at offset \(offset)")
                }
                return child
            case IDs.cluster:
                pending = try cluster(child)
            case IDs.cues:
                try sink.write(child.header)
                try copy(knownSize(child, offset: offset))
            case IDs.seekHead:
                try hold(child, name: "SeekHead", limit: Self.maxIndexBytes) { id, data in
                    guard id == IDs.seek else { return .remove(label: "unknown SeekHead element") }
                    return Self.seekTarget(data).map(IDs.keptLevelOne.contains) == true
                        ? .keep : .remove(label: "index entries of removed elements (Seek)")
                }
            case IDs.info:
                try hold(child, name: "Info", limit: Self.maxIndexBytes) { id, _ in
                    IDs.keptInfoChildren.contains(id) ? .keep : .remove(label: IDs.infoLabels[id] ?? "unknown Info element")
                }
            case IDs.tracks:
                try hold(child, name: "Tracks", limit: Self.maxTracksBytes) { id, entry in
                    guard id == IDs.trackEntry else { return .remove(label: "unknown Tracks element") }
                    let isText = try noteTextTrack(entry, tracksOffset: offset)
                    return .clean(name: "TrackEntry") { id, data in
                        // The frames become zeros, which no compression or encryption must be undone on.
                        if isText && (id == IDs.codecPrivate || id == IDs.contentEncodings) {
                            return .remove(label: "subtitle and metadata track headers (CodecPrivate, ContentEncodings)")
                        }
                        if id == IDs.codecPrivate, let blanked = MatroskaXiphHeaders.blankingComments(data) {
                            return .replace(label: "Vorbis or Theora comments (CodecPrivate)", data: blanked)
                        }
                        return IDs.keptTrackEntryChildren.contains(id)
                            ? .keep : .remove(label: IDs.trackEntryLabels[id] ?? "unknown TrackEntry element")
                    }
                }
            case IDs.void:
                try zeroVoid(child)
            case IDs.crc32:
                try remove(child, label: "segment checksum (CRC-32)")
            default:
                try remove(child, label: IDs.removedLevelOne[child.id] ?? "unknown Matroska segment element")
            }
        }
    }

    /// The element ID a Seek entry points at, from its SeekID child; nil when it has none or cannot be read.
    static func seekTarget(_ seek: ArraySlice<UInt8>) -> UInt32? {
        guard let id = EBMLElement.firstChild(IDs.seekID, in: seek), (1...EBMLElement.maxIDLength).contains(id.count) else { return nil }
        return id.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The size of `element`, which may not be unknown.
    func knownSize(_ element: EBMLElement, offset: Int, inside: String = "") throws -> Int {
        guard let size = element.size else {
            throw ScrubError.malformed("the Matroska \(IDs.name(element.id)) at offset \(offset)\(inside) has an unknown size, which only a Segment or Cluster may have")
        }
        return size
    }

    /// Reads a small master element whole, cleans it with `decide` and writes it back, the same size.
    private func hold(_ element: EBMLElement, name: String, limit: Int, decide: MatroskaHeldElement.Decide) throws {
        let offset = reader.offset - element.header.count
        let size = try knownSize(element, offset: offset)
        guard size <= limit else {
            throw ScrubError.tooLarge("the Matroska \(name) at offset \(offset) has \(size) bytes, more than \(limit >> 10) KiB")
        }
        try ScrubMemory.current.holding(size, for: "a Matroska \(name) of \(size) bytes") {
            let data = try reader.read(exactly: size, place: "inside the Matroska \(name) at offset \(offset)")
            var held = MatroskaHeldElement(data: data, offset: offset + element.header.count)
            try held.clean(name: name, report: &report, decide: decide)
            try sink.write(element.header)
            try sink.write(held.data)
        }
    }

    /// Replaces an element by a Void of the same size, as far as the input goes.
    func remove(_ element: EBMLElement, label: String) throws {
        let offset = reader.offset - element.header.count
        let size = try knownSize(element, offset: offset)
        guard let void = EBMLElement.voidHeader(total: element.header.count + size) else {
            throw ScrubError.tooLarge("the Matroska \(IDs.name(element.id)) at offset \(offset) claims \(size) bytes")
        }
        let total = element.header.count + (try passOver(size))
        let written = min(void.count, total)
        try sink.write(void.prefix(written))
        try writeZeros(total - written)
        report.noteRemoved(label, bytes: total)
    }

    /// Copies a Void element's header and zeroes its data, which a tag editor may have left old text in.
    private func zeroVoid(_ element: EBMLElement) throws {
        let size = try knownSize(element, offset: reader.offset - element.header.count)
        try sink.write(element.header)
        var remaining = size
        var leftover = false
        while remaining > 0 {
            let available = try reader.buffered().prefix(remaining)
            if available.isEmpty { break }
            if !leftover && available.contains(where: { $0 != 0 }) { leftover = true }
            try writeZeros(available.count)
            reader.consume(available.count)
            remaining -= available.count
        }
        if leftover { report.noteRemoved("leftover bytes in Void elements", bytes: size - remaining) }
    }

    /// Zeroes the `count` bytes just read and everything after them.
    private func zeroRest(after count: Int) throws {
        try writeZeros(count)
        var total = count
        while true {
            let available = try reader.buffered()
            if available.isEmpty { break }
            try writeZeros(available.count)
            reader.consume(available.count)
            total += available.count
        }
        report.noteRemoved("data after the Matroska segment", bytes: total)
    }

    /// Copies up to `count` bytes, fewer when the input ends first (a recording cut short).
    func copy(_ count: Int) throws {
        var remaining = count
        while remaining > 0 {
            let available = try reader.buffered().prefix(remaining)
            if available.isEmpty { return }
            try sink.write(available)
            reader.consume(available.count)
            remaining -= available.count
        }
    }

    /// Passes over up to `count` bytes without reading what a source can skip; returns how many there were.
    func passOver(_ count: Int) throws -> Int {
        let start = reader.offset
        do {
            try reader.skip(count, place: "")
        } catch ScrubError.truncated {
            // The input ended inside the element: everything up to the end was passed over, which is all we need.
        }
        return reader.offset - start
    }

    /// Writes `count` zero bytes.
    func writeZeros(_ count: Int) throws {
        var remaining = count
        while remaining > 0 {
            let piece = min(remaining, Self.zeros.count)
            try sink.write(Self.zeros[0..<piece])
            remaining -= piece
        }
    }
}
