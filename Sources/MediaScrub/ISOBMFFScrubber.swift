/// Cleans ISO BMFF and QuickTime files: HEIC/HEIF and AVIF images, MP4/M4V, MOV, M4A and 3GP.
///
/// Top-level boxes are handled from an allowlist: `ftyp` is copied; `moov` is rewritten by
/// `ISOBMFFMovie` and an image `meta` by `ISOBMFFItems`; `mdat` and fragment boxes are streamed,
/// with the sample bytes of removed tracks and the data of removed Exif/XMP items overwritten with
/// zeros; `free`/`skip`/`wide` are zero-filled; everything else (uuid/XMP, udta, pnot, non-image meta,
/// unknown boxes) becomes a zero-filled `free` box of the same size. Media data that no track of a movie uses is
/// zeroed too. Bytes after the index that form no box (a camera's trailer: Samsung's SEFT, Insta360's) are dropped.
///
/// Offsets: every top-level box keeps its size. A rewritten index box is followed by a `free` box
/// making up the difference, so `stco`/`co64` and `iloc` offsets stay right without being touched.
/// Only index boxes are held in memory (at most 64 MiB each). When the index follows the media data
/// (as phones write it) the source is read twice, which needs a `RewindableByteSource`.
struct ISOBMFFScrubber: Scrubber {
    let mediaType: MediaType

    static let maxIndexBoxSize = 64 << 20
    static let maxFileTypeBoxSize = 4096
    /// Media boxes whose places are remembered while a file is streamed before its index is seen (a phone writes
    /// one mdat; fragmented files put their index first).
    static let maxMediaBoxesBeforeIndex = 65_536
    /// Media and fragment boxes copied byte for byte (apart from zeroed ranges).
    static let streamedTypes: Set<String> = ["mdat", "moof", "mfra", "sidx", "styp", "ssix"]
    static let freeTypes: Set<String> = ["free", "skip", "wide"]

    var mayRewind: Bool { true }

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let arriving = source as? any ArrivingByteSource
        do {
            let pass = ISOBMFFPass(source: source, sink: sink, mediaType: mediaType, plan: nil)
            if let arriving, let zeroing = sink as? any ZeroingByteSink {
                // While the file arrives, media data that comes before the index is streamed out at once; what the
                // index then asks to zero in it, the sink zeroes after. One pass, never a rewind.
                pass.zeroingLater = zeroing
                arriving.forgoRewind()
            } else {
                // Once the media data streams out after the index, this pass is the only one.
                pass.onStreaming = { arriving?.forgoRewind() }
            }
            return try pass.run().report
        } catch ISOBMFFPass.NeedsIndex.needsIndex {
            return try twoPasses(source, sink)
        }
    }

    /// Reads the file once to find the byte ranges to zero, then again to write it.
    private func twoPasses(_ source: any ByteSource, _ sink: any ByteSink) throws -> RemovalReport {
        guard let rewindable = source as? any RewindableByteSource else {
            throw ScrubError.malformed("the index (moov/meta) comes after the media data, and cleaning that needs a rewindable source")
        }
        try rewindable.rewind()
        let skim = try ISOBMFFPass(source: rewindable, sink: nil, mediaType: mediaType, plan: nil).run()
        try rewindable.rewind()
        return try ISOBMFFPass(source: rewindable, sink: sink, mediaType: mediaType, plan: skim.plan).run().report
    }
}

/// One front-to-back walk over the top-level boxes: a skim (no sink) that only collects the byte
/// ranges to zero, or a writing pass.
final class ISOBMFFPass {
    enum NeedsIndex: Error { case needsIndex }
    /// What a skim found: the ranges to zero, and among them those no track uses (counted in the report).
    struct Plan {
        var zero: [Range<Int>] = []
        var unused: [Range<Int>] = []
    }
    private enum Pending {
        case bytes([UInt8])
        case zeros(Int)
    }

    private let reader: ByteReader
    private let sink: (any ByteSink)?
    private let mediaType: MediaType
    private var report: RemovalReport
    private var found = Plan()
    private var zero: ZeroRanges?
    /// The stretches no track uses, to count what zeroing them removed.
    private var unused = ZeroRanges()
    private var unusedBytes = 0
    private var pending: [Pending] = []
    private var pendingBytes = 0
    /// A file holds one movie and one image meta at most: each lists ranges to zero, held until the file is written.
    private var sawMovie = false
    private var sawImageMeta = false
    private var sawIndex: Bool { sawMovie || sawImageMeta }
    private let planned: Bool
    /// Called when a writing pass begins to stream media data, which it will finish without starting over.
    var onStreaming: () -> Void = {}
    /// When set, media data that comes before the index is streamed instead of throwing `needsIndex`, and the
    /// ranges the index then names in it are zeroed by this sink at the end.
    var zeroingLater: (any ZeroingByteSink)?
    private var streamedBeforeIndex = false
    /// Ranges to zero found after the media data they lie in was written.
    private var lateRanges: [Range<Int>] = []
    /// Where streamed bytes went (box payloads, which are copied; headers and index boxes are not).
    private var streamedRegions: [Range<Int>] = []

    init(source: any ByteSource, sink: (any ByteSink)?, mediaType: MediaType, plan: Plan?) {
        reader = ByteReader(source)
        self.sink = sink
        self.mediaType = mediaType
        report = RemovalReport(mediaType: mediaType)
        zero = plan.map { ZeroRanges($0.zero) }
        unused = ZeroRanges(plan?.unused ?? [])
        planned = plan != nil
    }

    var isImage: Bool { mediaType == .heif || mediaType == .avif }

    func run() throws -> (report: RemovalReport, plan: Plan) {
        var boxCount = 0
        boxes: while try !reader.buffered().isEmpty {
            let start = reader.offset
            var header: [UInt8] = []
            var type = ""
            var size = 0
            do {
                (header, type, size) = try readBoxHeader(start: start)
            } catch is ScrubError where sawIndex {
                // After the index, bytes that form no box are a trailer that no player reads.
                try dropTrailer(from: start)
                break boxes
            }
            let toEnd = size == 0
            boxCount += 1
            guard boxCount > 1 || type == "ftyp" || !isImage else {
                throw ScrubError.malformed("the file does not start with an ftyp box")
            }
            let place = "inside the box \(type) at offset \(start)"
            switch type {
            case "ftyp":
                guard size <= ISOBMFFScrubber.maxFileTypeBoxSize else { throw ScrubError.tooLarge("an ftyp box of \(size) bytes") }
                try reader.append(exactly: size - header.count, to: &header, place: place)
                try emit(header)
            case "moov", "meta":
                if type == "moov" && sawMovie {
                    throw ScrubError.malformed("there is a second moov box at offset \(start); a file holds one movie")
                }
                guard size <= ISOBMFFScrubber.maxIndexBoxSize else {
                    throw ScrubError.tooLarge("a \(type) box of \(size) bytes (the limit is \(ISOBMFFScrubber.maxIndexBoxSize))")
                }
                // The box, and the copy and sample ranges its cleaning makes, come to about twice its size.
                try ScrubMemory.current.holding(2 * size, for: "a \(type) box of \(size) bytes") {
                    try reader.append(exactly: size - header.count, to: &header, place: place)
                    try cleanIndex(header, type: type, start: start)
                }
            case _ where ISOBMFFScrubber.streamedTypes.contains(type):
                try beginStreaming()
                try emit(header)
                let payloadStart = reader.offset
                if streamedBeforeIndex {
                    // Kept for the zeroing after; each is a few bytes, so a hostile count is refused.
                    guard streamedRegions.count < ISOBMFFScrubber.maxMediaBoxesBeforeIndex else {
                        throw ScrubError.tooLarge("more than \(ISOBMFFScrubber.maxMediaBoxesBeforeIndex) media boxes before the index")
                    }
                }
                defer { if streamedBeforeIndex { streamedRegions.append(payloadStart..<reader.offset) } }
                if sink == nil {
                    // A skim looks only for the index: the media data is passed over (seeking, where the source can).
                    try reader.skip(toEnd ? nil : size - header.count, place: place)
                } else if toEnd {
                    while true {
                        let piece = try reader.buffered()
                        if piece.isEmpty { break }
                        try copy(piece, at: reader.offset)
                        reader.consume(piece.count)
                    }
                } else {
                    try reader.stream(size - header.count, place: place) { piece in try copy(piece, at: reader.offset) }
                }
            default:
                var nonZero = false
                do {
                    try reader.stream(size - header.count, place: place) { piece in
                        if !nonZero && piece.contains(where: { $0 != 0 }) { nonZero = true }
                    }
                } catch ScrubError.truncated(_) where sawIndex {
                    // A box cut short by the end of the file after the index is a trailer's first bytes read as a box.
                    try dropTrailer(from: start)
                    break boxes
                }
                if ISOBMFFScrubber.freeTypes.contains(type) {
                    if nonZero { report.noteRemoved("leftover bytes in free space (\(type))", bytes: size) }
                    if type == "free" && !nonZero {
                        try emit(header)
                        try emitZeros(size - header.count)
                    } else {
                        try emitFree(size)
                    }
                } else {
                    report.noteRemoved(type == "meta" ? "metadata box (meta)" : ISOBMFFMovie.label(type), bytes: size)
                    try emitFree(size)
                }
            }
        }
        guard sawIndex else {
            throw ScrubError.malformed(isImage ? "the file has no image meta box (handler pict)" : "the file has no moov box")
        }
        try beginStreaming()
        if let zeroingLater, !lateRanges.isEmpty {
            let written = Self.overlaps(of: ZeroRanges(lateRanges).ranges, with: streamedRegions)
            if !written.isEmpty {
                // Only streamed bytes: what follows the index was counted (and zeroed) as it was copied, so is zero now.
                let counted = ZeroRanges(Self.overlaps(of: unused.ranges, with: streamedRegions))
                unusedBytes += try zeroingLater.zero(ZeroRanges(written), counting: counted)
            }
        }
        if unusedBytes > 0 { report.noteRemoved("media data no track uses (in mdat)", bytes: unusedBytes) }
        return (report, found)
    }

    /// The header of the top-level box at `start`: its bytes, type and size (0: to the end of the file).
    private func readBoxHeader(start: Int) throws -> (header: [UInt8], type: String, size: Int) {
        var header = try reader.read(exactly: 8, place: "inside the header of the top-level box at offset \(start)")
        let type = ISOBMFF.fourCC(header[4..<8])
        guard header[4..<8].allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0xA9 }) else {
            throw ScrubError.malformed("there is no valid box at offset \(start) (type bytes \(header[4..<8].map { String($0, radix: 16) }))")
        }
        var size = Int(ISOBMFF.uint(header, at: 0, width: 4)!)
        if size == 1 {
            header += try reader.read(exactly: 8, place: "inside the 64-bit size of the box \(type) at offset \(start)")
            let large = ISOBMFF.uint(header, at: 8, width: 8)!
            guard large <= UInt64(Int.max / 2) else { throw ScrubError.malformed("the box \(type) at offset \(start) claims \(large) bytes") }
            size = Int(large)
        }
        guard size == 0 || size >= header.count else {
            throw ScrubError.malformed("the box \(type) at offset \(start) claims \(size) bytes, less than its header")
        }
        guard size != 0 || type == "mdat" else {
            throw ScrubError.malformed("the box \(type) at offset \(start) has size 0, allowed only for a final mdat")
        }
        return (header, type, size)
    }

    /// Reads and drops everything from `start` to the end of the file.
    private func dropTrailer(from start: Int) throws {
        while true {
            let piece = try reader.buffered()
            if piece.isEmpty { break }
            reader.consume(piece.count)
        }
        report.noteRemoved("data after the last box (a camera's trailer)", bytes: reader.offset - start)
    }

    /// Rewrites a top-level moov or meta box and pads it to its old size.
    private func cleanIndex(_ bytes: [UInt8], type: String, start: Int) throws {
        let box = try ISOBMFF.header(bytes, at: 0, parentEnd: bytes.count, place: "the top-level \(type) box")
        var cleaned: [UInt8]
        if type == "moov" {
            sawMovie = true
            var movie = ISOBMFFMovie(report: report)
            cleaned = try movie.clean(bytes, moov: box)
            report = movie.report
            try noteRanges(movie.zeroRanges + movie.unusedRanges, start: start)
            if !planned {
                found.unused = movie.unusedRanges
                unused = ZeroRanges(movie.unusedRanges)
            }
        } else if ISOBMFFItems.isImageMeta(bytes, meta: box) {
            guard !sawImageMeta else {
                throw ScrubError.malformed("there is a second image meta box at offset \(start); a file holds one")
            }
            sawImageMeta = true
            var items = ISOBMFFItems(report: report)
            cleaned = try items.clean(bytes, meta: box)
            report = items.report
            try noteRanges(items.zeroRanges, start: start)
        } else {
            report.noteRemoved("metadata box (meta)", bytes: bytes.count)
            try emitFree(bytes.count)
            return
        }
        let padding = bytes.count - cleaned.count
        guard padding == 0 || padding >= 8 else {
            throw ScrubError.malformed("the cleaned \(type) box at offset \(start) cannot be padded to its old size")
        }
        try emit(cleaned)
        if padding > 0 { try emitFree(padding) }
    }

    /// The parts of `ranges` inside `regions` (only streamed bytes are zeroed: a writing pass that knew the ranges
    /// first zeroes nothing else either). Both sorted by start and not overlapping among themselves.
    static func overlaps(of ranges: [Range<Int>], with regions: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var first = 0
        for range in ranges {
            while first < regions.count && regions[first].upperBound <= range.lowerBound { first += 1 }
            var index = first
            while index < regions.count && regions[index].lowerBound < range.upperBound {
                result.append(range.clamped(to: regions[index]))
                index += 1
            }
        }
        return result
    }

    /// Records ranges to zero; once media data is being written they must lie ahead of it.
    private func noteRanges(_ ranges: [Range<Int>], start: Int) throws {
        // A writing pass with a plan has them already, from the skim.
        guard !planned else { return }
        found.zero += ranges
        guard sink != nil, let current = zero else { return }
        if ranges.contains(where: { $0.lowerBound < start }) {
            if streamedBeforeIndex {
                lateRanges += ranges.filter { $0.lowerBound < start }
            } else {
                throw ScrubError.malformed("the index at offset \(start) points back into media data already written; cleaning it needs a rewindable source")
            }
        }
        zero = ZeroRanges(current.ranges + ranges)
    }

    /// Before the first media box: fixes the ranges to zero and flushes what was held back.
    private func beginStreaming() throws {
        guard zero == nil else { return }
        guard sawIndex || sink == nil || zeroingLater != nil else { throw NeedsIndex.needsIndex }
        zero = ZeroRanges(found.zero)
        guard let sink else { return }
        if sawIndex { onStreaming() } else { streamedBeforeIndex = true }
        for item in pending {
            switch item {
            case .bytes(let bytes): try sink.write(bytes)
            case .zeros(let count): try writeZeros(count, to: sink)
            }
        }
        pending = []
    }

    private func copy(_ piece: ArraySlice<UInt8>, at offset: Int) throws {
        guard let sink else { return }
        // Before the index is seen `unused` is empty; what was written then is counted by `zeroingLater`.
        unusedBytes += unused.nonZeroCovered(piece, at: offset)
        try sink.write(zero!.apply(piece, at: offset))
    }

    private func emit(_ bytes: [UInt8]) throws {
        guard let sink else { return }
        if zero != nil { return try sink.write(bytes) }
        pendingBytes += bytes.count
        guard pendingBytes <= ISOBMFFScrubber.maxIndexBoxSize else {
            throw ScrubError.tooLarge("more than \(ISOBMFFScrubber.maxIndexBoxSize) bytes of boxes before the media data")
        }
        pending.append(.bytes(bytes))
    }

    private func emitZeros(_ count: Int) throws {
        guard let sink else { return }
        if zero != nil { return try writeZeros(count, to: sink) }
        pending.append(.zeros(count))
    }

    /// A zero-filled `free` box of `size` bytes in total.
    private func emitFree(_ size: Int) throws {
        if size <= Int(UInt32.max) {
            try emit(ISOBMFF.freeHeader(size: size))
            try emitZeros(size - 8)
        } else {
            try emit([0, 0, 0, 1] + ISOBMFF.fourCCBytes("free") + ISOBMFF.bigEndian(UInt64(size), width: 8))
            try emitZeros(size - 16)
        }
    }

    private func writeZeros(_ count: Int, to sink: any ByteSink) throws {
        let block = [UInt8](repeating: 0, count: min(count, ByteReader.blockSize))
        var remaining = count
        while remaining > 0 {
            let piece = min(remaining, block.count)
            try sink.write(block[0..<piece])
            remaining -= piece
        }
    }
}
