/// Rewrites a `moov` box from an allowlist: keeps the movie, video, audio and text tracks with their
/// sample tables and sample entries byte for byte; drops `udta`, `meta`, `uuid` and every unknown box;
/// drops timed-metadata, timecode, subtitle and text tracks (and the track references to them); zeroes creation and
/// modification times and handler names in place. Sample bytes of dropped tracks are listed in
/// `zeroRanges` so the caller can overwrite them in `mdat`.
struct ISOBMFFMovie {
    /// Track handlers whose tracks are kept; every other track (meta, tmcd, camm, fdsc, hint, ...) is removed.
    /// Subtitle, text and caption tracks go too: drones write each frame's position, height and camera settings into
    /// one ("DJI.Subtitle"), and a camera's own file has no subtitles a viewer needs.
    static let keptHandlers: Set<String> = ["vide", "soun", "auxv"]
    static let textHandlers: Set<String> = ["text", "sbtl", "subt", "clcp"]
    static let keptMovieChildren: Set<String> = ["mvhd", "trak", "mvex", "iods"]
    static let keptTrackChildren: Set<String> = ["tkhd", "tref", "edts", "mdia", "tapt"]
    static let keptMediaChildren: Set<String> = ["mdhd", "hdlr", "minf", "elng"]
    static let keptMediaInfoChildren: Set<String> = ["vmhd", "smhd", "hmhd", "nmhd", "sthd", "gmhd", "hdlr", "dinf", "stbl"]
    static let keptSampleTableChildren: Set<String> = [
        "stsd", "stts", "ctts", "cslg", "stss", "stps", "stsh", "sdtp", "sbgp", "sgpd", "subs", "saiz", "saio",
        "stsc", "stsz", "stz2", "stco", "co64", "padb",
    ]
    /// Upper bound on the chunks of all removed tracks together: their ranges are held until the media data is
    /// written, so a hostile table must not make that list huge.
    static let maxChunks = 1_000_000
    /// Upper bound on the chunks of the kept tracks, whose ranges are held while `unusedRanges` is worked out.
    static let maxKeptChunks = 2_000_000
    /// Upper bound on the stretches of media data that no track uses: they are held until the media data is written.
    static let maxUnusedStretches = 1_000_000

    var report: RemovalReport
    private(set) var zeroRanges: [Range<Int>] = []
    /// File ranges that no sample of any track lies in, up to the end of any file; empty for a fragmented movie,
    /// whose samples the fragments index. Dashcams hide position blocks there ("freeGPS " inside `mdat`), which no
    /// track names, so a player never shows them and only zeroing everything unused removes them.
    private(set) var unusedRanges: [Range<Int>] = []
    /// Chunks of removed tracks seen so far, counted against `maxChunks`.
    private var removedChunks = 0
    /// The handler type of the track being cleaned.
    private var handler = ""

    init(report: RemovalReport) {
        self.report = report
    }

    /// The cleaned `moov` box (header included) for the box `moov` inside `bytes`.
    mutating func clean(_ bytes: [UInt8], moov: ISOBox) throws -> [UInt8] {
        var bytes = bytes
        let children = try ISOBMFF.children(bytes, in: moov.payload, place: "the moov box")
        var removedTrackIDs: Set<UInt64> = []
        // By start offset: a set, since a moov of 64 MiB may hold millions of tracks.
        var keptTracks: Set<Int> = []
        for trak in children where trak.type == "trak" {
            let handler = try Self.handlerType(bytes, trak: trak)
            if Self.keptHandlers.contains(handler) {
                keptTracks.insert(trak.start)
                continue
            }
            if let tkhd = try ISOBMFF.find(["tkhd"], in: bytes, range: trak.payload, place: "a trak box"),
               let id = Self.trackID(bytes, tkhd: tkhd) {
                removedTrackIDs.insert(id)
            }
            let (ranges, chunks) = try Self.sampleRanges(bytes, trak: trak, maxChunks: Self.maxChunks - removedChunks)
            zeroRanges += ranges
            removedChunks += chunks
            let kind = Self.textHandlers.contains(handler) ? "subtitle, text or caption track" : "timed metadata or timecode track"
            report.noteRemoved("\(kind) (\(handler.isEmpty ? "no handler" : handler))", bytes: trak.size)
        }
        if !children.contains(where: { $0.type == "mvex" }) {
            unusedRanges = try Self.unusedRanges(bytes, keptTracks: children.filter { keptTracks.contains($0.start) }, removed: zeroRanges)
        }
        var payload: [UInt8] = []
        for child in children {
            switch child.type {
            case "trak":
                guard keptTracks.contains(child.start) else { continue }
                payload += try cleanTrack(&bytes, trak: child, removedTrackIDs: removedTrackIDs)
            case "mvhd":
                zeroTimes(&bytes, box: child)
                payload += bytes[child.start..<child.end]
            case _ where Self.keptMovieChildren.contains(child.type):
                payload += bytes[child.start..<child.end]
            default:
                report.noteRemoved(Self.label(child.type), bytes: child.size)
            }
        }
        return ISOBMFF.box("moov", payload)
    }

    private mutating func cleanTrack(_ bytes: inout [UInt8], trak: ISOBox, removedTrackIDs: Set<UInt64>) throws -> [UInt8] {
        var payload: [UInt8] = []
        handler = try Self.handlerType(bytes, trak: trak)
        for child in try ISOBMFF.children(bytes, in: trak.payload, place: "a trak box") {
            guard Self.keptTrackChildren.contains(child.type) else {
                report.noteRemoved(Self.label(child.type), bytes: child.size)
                continue
            }
            switch child.type {
            case "tkhd":
                zeroTimes(&bytes, box: child)
                payload += bytes[child.start..<child.end]
            case "tref":
                payload += try cleanTrackReferences(bytes, tref: child, removedTrackIDs: removedTrackIDs)
            case "mdia":
                payload += try cleanContainer(&bytes, box: child, kept: Self.keptMediaChildren)
            default:
                payload += bytes[child.start..<child.end]
            }
        }
        return ISOBMFF.box("trak", payload)
    }

    /// `box` rebuilt from its allowed children; recurses into minf and stbl.
    private mutating func cleanContainer(_ bytes: inout [UInt8], box: ISOBox, kept: Set<String>) throws -> [UInt8] {
        var payload: [UInt8] = []
        for child in try ISOBMFF.children(bytes, in: box.payload, place: "a \(box.type) box") {
            guard kept.contains(child.type) else {
                report.noteRemoved(Self.label(child.type), bytes: child.size)
                continue
            }
            switch child.type {
            case "mdhd":
                zeroTimes(&bytes, box: child)
                payload += bytes[child.start..<child.end]
            case "hdlr":
                blankHandlerName(&bytes, box: child)
                payload += bytes[child.start..<child.end]
            case "minf":
                payload += try cleanContainer(&bytes, box: child, kept: Self.keptMediaInfoChildren)
            case "stbl":
                payload += try cleanContainer(&bytes, box: child, kept: Self.keptSampleTableChildren)
            case "stsd":
                try blankEncoderNames(&bytes, stsd: child)
                payload += bytes[child.start..<child.end]
            default:
                payload += bytes[child.start..<child.end]
            }
        }
        return ISOBMFF.box(box.type, payload)
    }

    /// `tref` without references to removed tracks; empty when nothing is left.
    private mutating func cleanTrackReferences(_ bytes: [UInt8], tref: ISOBox, removedTrackIDs: Set<UInt64>) throws -> [UInt8] {
        var payload: [UInt8] = []
        for reference in try ISOBMFF.children(bytes, in: tref.payload, place: "a tref box") {
            guard reference.payload.count % 4 == 0 else {
                throw ScrubError.malformed("the track reference \(reference.type) at \(reference.start) of the moov box is not a list of 32-bit ids")
            }
            let ids = stride(from: reference.payloadStart, to: reference.end, by: 4).map { ISOBMFF.uint(bytes, at: $0, width: 4)! }
            let kept = ids.filter { !removedTrackIDs.contains($0) }
            if kept.count < ids.count {
                report.noteRemoved("track reference to a removed track", bytes: (ids.count - kept.count) * 4)
            }
            if kept.isEmpty {
                report.noteRemoved("track reference to a removed track", bytes: 8)
                continue
            }
            payload += ISOBMFF.box(reference.type, kept.flatMap { ISOBMFF.bigEndian($0, width: 4) })
        }
        return payload.isEmpty ? [] : ISOBMFF.box("tref", payload)
    }

    /// Zeroes creation and modification times of an mvhd, tkhd or mdhd box (version 0 or 1) in place.
    private mutating func zeroTimes(_ bytes: inout [UInt8], box: ISOBox) {
        guard !box.payload.isEmpty else { return }
        let start = box.payloadStart + 4
        let width = bytes[box.payloadStart] == 1 ? 16 : 8
        guard box.payload.count >= 4 + width else { return }
        if bytes[start..<(start + width)].contains(where: { $0 != 0 }) {
            report.noteRemoved("creation and modification times (\(box.type))", bytes: width)
            for index in start..<(start + width) { bytes[index] = 0 }
        }
    }

    /// Zeroes, in place, the vendor code of video and audio sample entries and the compressor name of
    /// video ones (QuickTime writers put the camera maker and encoder there); decoders ignore both.
    private mutating func blankEncoderNames(_ bytes: inout [UInt8], stsd: ISOBox) throws {
        guard handler == "vide" || handler == "soun", stsd.payload.count >= 8 else { return }
        for entry in try ISOBMFF.children(bytes, in: (stsd.payloadStart + 8)..<stsd.end, place: "an stsd box") {
            var fields = [(entry.start + 20)..<(entry.start + 24)]
            if handler == "vide" { fields.append((entry.start + 50)..<(entry.start + 82)) }
            for field in fields where field.upperBound <= entry.end && bytes[field].contains(where: { $0 != 0 }) {
                report.noteRemoved("encoder vendor or compressor name (stsd)", bytes: field.count)
                for index in field { bytes[index] = 0 }
            }
            blankDecoderConfigVendors(&bytes, entry: entry)
        }
    }

    /// 3GPP and 3GPP2 decoder configuration boxes (AMR, AMR-WB+, H.263, EVRC, QCELP, SMV, VMR, EVRC-B/WB): each
    /// begins with the vendor code of the phone's encoder and its version (exiftool: EncoderVendor, EncoderVersion).
    static let decoderConfigTypes: Set<String> = ["damr", "dawp", "d263", "devc", "dqcp", "dsmv", "dvmr", "decb", "decw"]

    /// Zeroes, in place, the vendor code and version that open the 3GPP decoder configuration boxes inside a sample
    /// entry; decoders ignore both. The entry's other boxes are walked as far as they are well formed.
    private mutating func blankDecoderConfigVendors(_ bytes: inout [UInt8], entry: ISOBox) {
        let soundVersion = ISOBMFF.uint(bytes, at: entry.start + 16, width: 2, limit: entry.end) ?? 0
        var index = entry.start + (handler == "vide" ? 86 : soundVersion == 1 ? 52 : soundVersion == 2 ? 72 : 36)
        while let size = ISOBMFF.uint(bytes, at: index, width: 4, limit: entry.end).map(Int.init), size >= 8, size <= entry.end - index {
            let fields = (index + 8)..<min(index + 13, index + size)
            if Self.decoderConfigTypes.contains(ISOBMFF.fourCC(bytes[(index + 4)..<(index + 8)])),
               bytes[fields].contains(where: { $0 != 0 })
            {
                report.noteRemoved("encoder vendor (sample entry)", bytes: fields.count)
                for byte in fields { bytes[byte] = 0 }
            }
            index += size
        }
    }

    /// Zeroes the name and the QuickTime manufacturer code of a handler box in place, keeping its size
    /// (an empty C or Pascal string).
    private mutating func blankHandlerName(_ bytes: inout [UInt8], box: ISOBox) {
        let vendor = (box.payloadStart + 12)..<(box.payloadStart + 16)
        if vendor.upperBound <= box.end && bytes[vendor].contains(where: { $0 != 0 }) {
            report.noteRemoved("handler vendor (hdlr)", bytes: 4)
            for index in vendor { bytes[index] = 0 }
        }
        let nameStart = box.payloadStart + 24
        guard nameStart < box.end, bytes[nameStart..<box.end].contains(where: { $0 != 0 }) else { return }
        report.noteRemoved("handler name (hdlr)", bytes: box.end - nameStart)
        for index in nameStart..<box.end { bytes[index] = 0 }
    }

    /// The handler type of a track (mdia/hdlr), or "" when it has none.
    static func handlerType(_ bytes: [UInt8], trak: ISOBox) throws -> String {
        guard let hdlr = try ISOBMFF.find(["mdia", "hdlr"], in: bytes, range: trak.payload, place: "a trak box"),
              hdlr.payload.count >= 12 else { return "" }
        return ISOBMFF.fourCC(bytes[(hdlr.payloadStart + 8)..<(hdlr.payloadStart + 12)])
    }

    static func trackID(_ bytes: [UInt8], tkhd: ISOBox) -> UInt64? {
        guard !tkhd.payload.isEmpty else { return nil }
        let version = bytes[tkhd.payloadStart]
        return ISOBMFF.uint(bytes, at: tkhd.payloadStart + (version == 1 ? 20 : 12), width: 4, limit: tkhd.end)
    }

    /// The complement of every kept sample and of `removed` (the removed tracks' samples, zeroed anyway), from
    /// offset 0 to past the end of any file.
    static func unusedRanges(_ bytes: [UInt8], keptTracks: [ISOBox], removed: [Range<Int>]) throws -> [Range<Int>] {
        var chunks = 0
        for trak in keptTracks { chunks += try chunkCount(bytes, trak: trak) }
        guard chunks <= maxKeptChunks else {
            throw ScrubError.tooLarge("video and audio tracks with more than \(maxKeptChunks) chunks in all")
        }
        // The ranges, the sort's buffer and the stretches between them.
        return try ScrubMemory.current.holding(3 * 16 * (chunks + removed.count), for: "the sample ranges of \(chunks) chunks") {
            var used = removed
            for trak in keptTracks { used += try sampleRanges(bytes, trak: trak, maxChunks: maxKeptChunks).ranges }
            used.sort { $0.lowerBound < $1.lowerBound }
            var unused: [Range<Int>] = []
            var from = 0
            for range in used where !range.isEmpty {
                if range.lowerBound > from { unused.append(from..<range.lowerBound) }
                from = max(from, range.upperBound)
                guard unused.count < maxUnusedStretches else {
                    throw ScrubError.tooLarge("more than \(maxUnusedStretches) stretches of media data that no track uses")
                }
            }
            unused.append(from..<(Int.max / 2))
            return unused
        }
    }

    /// The chunk count of a track's stco or co64 table (0 when it has none).
    static func chunkCount(_ bytes: [UInt8], trak: ISOBox) throws -> Int {
        guard let stbl = try ISOBMFF.find(["mdia", "minf", "stbl"], in: bytes, range: trak.payload, place: "a trak box") else { return 0 }
        let tables = try ISOBMFF.children(bytes, in: stbl.payload, place: "an stbl box")
        guard let stco = ISOBMFF.first("stco", in: tables) ?? ISOBMFF.first("co64", in: tables) else { return 0 }
        return try tableCount(bytes, stco, entrySize: stco.type == "co64" ? 8 : 4, place: "the sample tables of a track")
    }

    /// File byte ranges of a track's samples, chunk by chunk, from stco/co64, stsc and stsz/stz2, and the track's
    /// chunk count. The tables are read where they lie; only the ranges are collected. Throws when the track has
    /// more than `maxChunks` chunks.
    static func sampleRanges(_ bytes: [UInt8], trak: ISOBox, maxChunks: Int) throws -> (ranges: [Range<Int>], chunks: Int) {
        guard let stbl = try ISOBMFF.find(["mdia", "minf", "stbl"], in: bytes, range: trak.payload, place: "a trak box") else { return ([], 0) }
        let tables = try ISOBMFF.children(bytes, in: stbl.payload, place: "an stbl box")
        let place = "the sample tables of a track"
        var chunkCount = 0
        var offsetWidth = 4
        var offsetsStart = 0
        if let stco = ISOBMFF.first("stco", in: tables) ?? ISOBMFF.first("co64", in: tables) {
            offsetWidth = stco.type == "co64" ? 8 : 4
            chunkCount = try tableCount(bytes, stco, entrySize: offsetWidth, place: place)
            guard chunkCount <= maxChunks else {
                throw ScrubError.tooLarge("timed metadata or timecode tracks with more than \(Self.maxChunks) chunks in all")
            }
            offsetsStart = stco.payloadStart + 8
        }
        var runCount = 0
        var runsStart = 0
        if let stsc = ISOBMFF.first("stsc", in: tables) {
            runCount = try tableCount(bytes, stsc, entrySize: 12, place: place)
            runsStart = stsc.payloadStart + 8
        }
        func run(_ index: Int) -> (firstChunk: Int, samplesPerChunk: Int) {
            let at = runsStart + index * 12
            return (Int(ISOBMFF.uint(bytes, at: at, width: 4)!), Int(ISOBMFF.uint(bytes, at: at + 4, width: 4)!))
        }
        let sizes = try SampleSizes(bytes, tables: tables)
        var ranges: [Range<Int>] = []
        var sample = 0
        var runIndex = -1
        var samplesPerChunk = 0
        for index in 0..<chunkCount {
            let chunk = index + 1
            while runIndex + 1 < runCount && run(runIndex + 1).firstChunk <= chunk {
                runIndex += 1
                samplesPerChunk = run(runIndex).samplesPerChunk
            }
            guard runIndex >= 0 else { break }
            let offset = Int(clamping: ISOBMFF.uint(bytes, at: offsetsStart + index * offsetWidth, width: offsetWidth)!)
            let samples = min(samplesPerChunk, max(sizes.count - sample, 0))
            var length = 0
            if sizes.fieldBits == 0 {
                length = samples.multipliedReportingOverflow(by: sizes.constant).overflow ? Int.max / 2 : samples * sizes.constant
                sample += samples
            } else {
                for _ in 0..<samples {
                    length = min(length + sizes.size(bytes, sample), Int.max / 2)
                    sample += 1
                }
            }
            guard length > 0, offset >= 0, offset <= Int.max - length else { continue }
            ranges.append(offset..<(offset + length))
            if sample >= sizes.count { break }
        }
        return (ranges, chunkCount)
    }

    /// A track's sample sizes (stsz or stz2), read from the box on demand.
    struct SampleSizes {
        var constant = 0
        var count = 0
        /// 0 for a constant size, else the width of each table entry.
        var fieldBits = 0
        var tableStart = 0

        init(_ bytes: [UInt8], tables: [ISOBox]) throws {
            if let stsz = ISOBMFF.first("stsz", in: tables) {
                guard let size = ISOBMFF.uint(bytes, at: stsz.payloadStart + 4, width: 4, limit: stsz.end),
                      let entries = ISOBMFF.uint(bytes, at: stsz.payloadStart + 8, width: 4, limit: stsz.end) else {
                    throw ScrubError.malformed("the stsz box of a track is cut short")
                }
                constant = Int(size)
                count = Int(entries)
                fieldBits = size == 0 ? 32 : 0
                tableStart = stsz.payloadStart + 12
                guard fieldBits == 0 || count <= (stsz.end - tableStart) / 4 else {
                    throw ScrubError.malformed("the stsz box of a track lists more sizes than it holds")
                }
            } else if let stz2 = ISOBMFF.first("stz2", in: tables) {
                guard let bits = ISOBMFF.uint(bytes, at: stz2.payloadStart + 7, width: 1, limit: stz2.end),
                      let entries = ISOBMFF.uint(bytes, at: stz2.payloadStart + 8, width: 4, limit: stz2.end),
                      [4, 8, 16].contains(bits), Int(entries) <= (stz2.payload.count - 12) * 8 / Int(bits) else {
                    throw ScrubError.malformed("the stz2 box of a track is damaged")
                }
                count = Int(entries)
                fieldBits = Int(bits)
                tableStart = stz2.payloadStart + 12
            }
        }

        func size(_ bytes: [UInt8], _ index: Int) -> Int {
            switch fieldBits {
            case 4:
                let byte = bytes[tableStart + index / 2]
                return Int(index % 2 == 0 ? byte >> 4 : byte & 15)
            case 8: return Int(bytes[tableStart + index])
            case 16: return Int(ISOBMFF.uint(bytes, at: tableStart + index * 2, width: 2)!)
            default: return Int(ISOBMFF.uint(bytes, at: tableStart + index * 4, width: 4)!)
            }
        }
    }

    /// The entry count of a full-box table whose entries are `entrySize` bytes, checked against its size.
    static func tableCount(_ bytes: [UInt8], _ box: ISOBox, entrySize: Int, place: String) throws -> Int {
        guard let count = ISOBMFF.uint(bytes, at: box.payloadStart + 4, width: 4, limit: box.end),
              Int(count) <= (box.payload.count - 8) / entrySize else {
            throw ScrubError.malformed("the \(box.type) box in \(place) lists more entries than it holds")
        }
        return Int(count)
    }

    /// The report label of a dropped box.
    static func label(_ type: String) -> String {
        switch type {
        case "udta": "QuickTime user data (udta)"
        case "meta": "metadata box (meta: keys, ilst, XMP)"
        case "uuid": "uuid box (XMP or vendor data)"
        case "free", "skip": "free space inside the index"
        default: "box \(type)"
        }
    }
}
