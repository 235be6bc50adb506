/// Cleans AVI files (RIFF `AVI `, and the `RIFF AVIX` parts OpenDML adds to files over 1 GiB), streaming.
///
/// Nothing moves: the output has the input's length, so the offsets in `idx1` and the OpenDML indexes stay true.
/// Each chunk is kept or zeroed by the allow-list in `AVIChunkRules`; a removed chunk becomes a `JUNK` chunk of the
/// same size with a zeroed payload, and the payload of every existing `JUNK` is zeroed (cameras hide maker data
/// there). Media chunks pass through in blocks, Motion JPEG frames with their Exif and comment segments zeroed
/// (`MotionJPEGFrameFilter`); the chunks of text, GPS and data streams keep their header (the indexes name them) and
/// lose their payload. A file cut short (a dashcam that lost power) is cleaned up to where it ends. Refused: a file
/// that does not start with `RIFF…AVI `, has no header list, or puts movie data before it.
struct AVIScrubber: Scrubber {
    var mediaType: MediaType { .avi }

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var walk = AVIWalk(copier: AVIByteCopier(source: source, sink: sink))
        try walk.run()
        return walk.report
    }
}

/// One pass over an AVI file, holding only the open lists (a few, as the allow-list nests no deeper) and the
/// types of at most 100 streams, whatever the input.
struct AVIWalk {
    /// A list being walked: its kind, where its payload ends (within its parent), and whether a pad byte follows.
    struct OpenList {
        let context: AVIChunkRules.Context
        let end: Int
        let padded: Bool
    }

    static let shortBytesLabel = "bytes too short for an AVI chunk"

    let copier: AVIByteCopier
    private(set) var report = RemovalReport(mediaType: .avi)
    private var streams = AVIStreamTable()
    private var lists: [OpenList] = []
    private var sawHeaderList = false

    init(copier: AVIByteCopier) {
        self.copier = copier
    }

    mutating func run() throws {
        let header = try copier.read(upTo: 12)
        guard header.count == 12, header[0..<4].elementsEqual("RIFF".utf8), header[8..<12].elementsEqual("AVI ".utf8) else {
            throw ScrubError.malformed("the AVI file does not start with a RIFF header of form type AVI")
        }
        let size = Self.littleEndian(header[4..<8])
        guard size >= 4 else { throw ScrubError.malformed("the AVI RIFF size \(size) is smaller than its form type") }
        try copier.write(header)
        lists.append(OpenList(context: .riffAVI, end: 8 + size, padded: size % 2 == 1))
        while true {
            try closeFinishedLists()
            if try copier.atEnd() { break }
            try walkChunk()
        }
        guard sawHeaderList else { throw ScrubError.malformed("the AVI file has no header list (LIST hdrl)") }
        try copier.flush()
    }

    /// Leaves the lists whose end has been reached, zeroing the pad byte after an odd one.
    private mutating func closeFinishedLists() throws {
        while let list = lists.last, copier.offset >= list.end {
            lists.removeLast()
            if list.padded && copier.offset < (lists.last?.end ?? Int.max) { try copier.pass(1, keeping: 0) }
        }
    }

    /// Reads one chunk header in the innermost open list and keeps, zeroes or enters the chunk.
    private mutating func walkChunk() throws {
        let start = copier.offset
        let parentEnd = lists.last?.end ?? Int.max
        let context = lists.last?.context ?? .top
        guard parentEnd - start >= 8 else { return try zeroShortBytes(parentEnd - start) }
        var header = try copier.read(upTo: 8)
        guard header.count == 8 else {
            if header.contains(where: { $0 != 0 }) { report.noteRemoved(Self.shortBytesLabel, bytes: header.count) }
            return try copier.write([UInt8](repeating: 0, count: header.count))
        }
        let type = ChunkContainer.typeName(header[0..<4])
        let size = Self.littleEndian(header[4..<8])
        // A chunk running past its list is cut at the list's end; its stated size is kept, like everything else.
        let end = min(start + 8 + size, parentEnd)
        let padded = size % 2 == 1 && end == start + 8 + size && end < parentEnd
        var listType: String?
        if type == "LIST" || type == "RIFF", size >= 4, end - start >= 12 {
            let more = try copier.read(upTo: 4)
            header += more
            if more.count == 4 { listType = ChunkContainer.typeName(more) }
        }
        var action = AVIChunkRules.action(type: type, listType: listType, in: context, streams: streams)
        if case .descend(let inner) = action {
            action = try entering(inner, at: start)
        }
        switch action {
        case .descend(let inner):
            try copier.write(header)
            lists.append(OpenList(context: inner, end: end, padded: padded))
            return
        case .keep(let meaningful):
            try copier.write(header)
            let rest = end - copier.offset
            let kept = (meaningful ?? Int.max) - (header.count - 8)
            // strh and strf are kept only in a strl list: the stream's type, and a video format's compression.
            let copied = try copier.pass(rest, keeping: kept, capturing: type == "strh" ? 4 : type == "strf" ? 20 : 0)
            if type == "strh" { streams.declare(ChunkContainer.typeName(copied.captured)) }
            if type == "strf" && copied.captured.count == 20 { streams.setCompression(ChunkContainer.typeName(copied.captured[16...])) }
            if copied.zeroedData { report.noteRemoved(AVIChunkRules.reservedBytesLabel, bytes: rest - kept) }
        case .keepMotionJPEGFrame:
            try copier.write(header)
            if try copier.passFrame(end - copier.offset) { report.noteRemoved(AVIChunkRules.motionJPEGLabel, bytes: end - start) }
        case .zeroPayload(let label):
            try copier.write(header)
            try copier.pass(end - copier.offset, keeping: 0)
            report.noteRemoved(label, bytes: end - start)
        case .junk(let label):
            let hiddenInHeader = header.dropFirst(8).contains { $0 != 0 }
            try copier.write(Array("JUNK".utf8) + header[4..<8] + [UInt8](repeating: 0, count: header.count - 8))
            let zeroed = try copier.pass(end - copier.offset, keeping: 0)
            if let label {
                report.noteRemoved(label, bytes: end - start)
            } else if zeroed.zeroedData || hiddenInHeader {
                report.noteRemoved(AVIChunkRules.hiddenInJunkLabel, bytes: end - start)
            }
        }
        if padded { try copier.pass(1, keeping: 0) }
    }

    /// The action for entering a list of kind `inner`: the header list counts once, and movie data needs it first.
    private mutating func entering(_ inner: AVIChunkRules.Context, at offset: Int) throws -> AVIChunkRules.Action {
        switch inner {
        case .hdrl:
            guard !sawHeaderList else { return .junk(label: "second AVI header list (LIST hdrl)") }
            sawHeaderList = true
        case .movi(depth: 0):
            guard sawHeaderList else {
                throw ScrubError.malformed("the AVI movie data (LIST movi) at offset \(offset) comes before the header list (LIST hdrl)")
            }
        case .strl:
            streams.beginList()
        default:
            break
        }
        return .descend(inner)
    }

    /// Zeroes the last `count` bytes of a list, too few for a chunk header.
    private mutating func zeroShortBytes(_ count: Int) throws {
        let zeroed = try copier.pass(count, keeping: 0)
        if zeroed.zeroedData { report.noteRemoved(Self.shortBytesLabel, bytes: count) }
    }

    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
