/// Cleans JPEG files by rebuilding them from an allowlist of segments.
///
/// Kept: SOI, JFIF APP0 (without thumbnail), the Adobe APP14 colour transform (canonicalised),
/// the ICC profile with its identifying fields blanked (see `ICCProfile`), every table, frame and
/// scan segment byte for byte, the entropy-coded data byte for byte, EOI.
/// Dropped: every other APPn, COM, stray bytes between segments (as libjpeg skips them), and anything after
/// EOI. An Exif orientation other than 1 survives as a minimal Exif segment written after SOI and JFIF.
/// A file cut short once its first scan has begun is kept as received from the start of the cut segment or
/// scan data (`RemovalReport.keptAsReceivedAfter`), as viewers show what was decoded; a file cut inside an APPn
/// or COM segment, or before its first scan, is refused.
struct JPEGScrubber: Scrubber {
    var mediaType: MediaType { .jpeg }

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var pass = JPEGScrubPass(reader: ByteReader(source), sink: sink)
        try pass.run()
        return pass.report
    }
}

/// The state of one run of `JPEGScrubber` over one file.
private struct JPEGScrubPass {
    let reader: ByteReader
    let sink: any ByteSink
    var report = RemovalReport(mediaType: .jpeg)

    /// Everything up to the first table/frame/scan segment is held back and written at once,
    /// so that JFIF, the minimal Exif and the Adobe segment come first, whatever the input order.
    var prologueWritten = false
    var jfifSegment: [UInt8]?
    var adobeSegment: [UInt8]?
    var sawExif = false
    var orientation: Int?
    var exifWasAlreadyMinimal = false
    /// ICC_PROFILE chunks by sequence number, with the chunk count they declare.
    var iccChunks: [Int: [UInt8]] = [:]
    var iccChunkCount = 0
    var iccBytes = 0
    static let maximumICCBytes = 16 << 20
    /// Set once the first scan's entropy-coded data begins: from then on a cut outside APPn and COM is accepted.
    var imageBegun = false

    init(reader: ByteReader, sink: any ByteSink) {
        self.reader = reader
        self.sink = sink
    }

    mutating func run() throws {
        let soi = try reader.read(exactly: 2, place: "before the JPEG start-of-image marker")
        guard soi == [0xFF, JPEGMarker.soi] else { throw ScrubError.malformed("the JPEG start-of-image marker is missing") }
        var next = try nextMarker()
        while let marker = next {
            switch marker {
            case JPEGMarker.eoi:
                try writePrologue()
                try sink.write([0xFF, JPEGMarker.eoi])
                let trailing = try reader.drain()
                if trailing > 0 { report.noteRemoved("data after end of image", bytes: trailing) }
                return
            case JPEGMarker.soi:
                throw ScrubError.malformed("a second JPEG start-of-image marker at offset \(reader.offset - 2)")
            case _ where JPEGMarker.isStandalone(marker):
                try writePrologue()
                try sink.write([0xFF, marker])
                next = try nextMarker()
            default:
                let segmentStart = reader.offset - 2
                let place = "inside JPEG segment \(JPEGMarker.name(marker)) at offset \(segmentStart)"
                let lengthBytes = try reader.read(upTo: 2)
                guard lengthBytes.count == 2 else {
                    try keepCutSegment(marker, start: segmentStart, place: place, bytes: [0xFF, marker] + lengthBytes)
                    return
                }
                let length = Int(lengthBytes[0]) << 8 | Int(lengthBytes[1])
                guard length >= 2 else {
                    throw ScrubError.malformed("JPEG segment \(JPEGMarker.name(marker)) at offset \(segmentStart) has length \(length), less than 2")
                }
                if JPEGMarker.isMetadata(marker) {
                    let payload = try reader.read(exactly: length - 2, place: place)
                    try handleMetadataSegment(marker, payload: payload)
                    next = try nextMarker()
                } else if JPEGMarker.isImageStructure(marker) {
                    try writePrologue()
                    try sink.write([0xFF, marker] + lengthBytes)
                    guard try reader.stream(upTo: length - 2, { try sink.write($0) }) == length - 2 else {
                        try keepCutSegment(marker, start: segmentStart, place: place, bytes: [])
                        return
                    }
                    next = marker == JPEGMarker.sos ? try copyEntropyCodedData() : try nextMarker()
                } else {
                    throw ScrubError.malformed("unsupported JPEG marker \(JPEGMarker.name(marker)) at offset \(segmentStart)")
                }
            }
        }
    }

    /// Reads a marker where one must be, as libjpeg's next_marker does: bytes other than 0xFF and stuffed 0xFF00
    /// pairs before it are stray (dropped and noted), 0xFF fill bytes are dropped. Nil when the input ends first.
    mutating func nextMarker() throws -> UInt8? {
        let start = reader.offset
        var stray = 0
        while true {
            let available = try reader.buffered()
            guard !available.isEmpty else {
                try acceptEnd(expectedMarkerAt: start)
                return nil
            }
            guard available.first == 0xFF else {
                let skipped = (available.firstIndex(of: 0xFF) ?? available.endIndex) - available.startIndex
                reader.consume(skipped)
                stray += skipped
                try checkStray(stray, from: start)
                continue
            }
            var code: UInt8 = 0xFF
            while code == 0xFF {
                guard let byte = try reader.readByte() else {
                    try acceptEnd(expectedMarkerAt: start)
                    return nil
                }
                code = byte
            }
            if code == 0x00 {
                stray += 2
                try checkStray(stray, from: start)
                continue
            }
            if stray > 0 { report.noteRemoved("stray bytes between JPEG segments", bytes: stray) }
            return code
        }
    }

    /// Cameras leave a few stray bytes (2 and 14 seen); a long run more likely means that the segment before it
    /// says it is shorter than it is, and a marker inside its rest would be taken for a table and copied out.
    static let maxStrayBytes = 64

    func checkStray(_ stray: Int, from start: Int) throws {
        guard stray <= Self.maxStrayBytes else {
            throw ScrubError.malformed("more than \(Self.maxStrayBytes) bytes at offset \(start) belong to no JPEG segment (the segment before them may be longer than it says)")
        }
    }

    /// The input ended where a marker should start (at `start`, after any stray or fill bytes): refused before the
    /// first scan; after it, the passed-over bytes are dropped and the file is kept as it was up to `start`.
    mutating func acceptEnd(expectedMarkerAt start: Int) throws {
        guard imageBegun else { throw ScrubError.truncated("before the JPEG end-of-image marker") }
        let unreadable = reader.offset - start
        if unreadable > 0 { report.noteRemoved("unreadable data after the image", bytes: unreadable) }
        report.keptAsReceivedAfter = start
    }

    /// The input ended inside the segment of `marker` at `start`: kept as received (the segment's read part,
    /// `bytes` of it not yet written) when it is a table, frame or scan header after the first scan began;
    /// otherwise refused, since an APPn or COM cut short may hide what it holds.
    mutating func keepCutSegment(_ marker: UInt8, start: Int, place: String, bytes: [UInt8]) throws {
        guard imageBegun && JPEGMarker.isImageStructure(marker) else { throw ScrubError.truncated(place) }
        try sink.write(bytes)
        report.keptAsReceivedAfter = start
    }

    /// Decides the fate of an APPn or COM segment; only JFIF, Adobe and the Exif orientation survive.
    mutating func handleMetadataSegment(_ marker: UInt8, payload: [UInt8]) throws {
        let segmentSize = 4 + payload.count
        switch marker {
        case JPEGMarker.app0 where payload.starts(with: JPEGMarker.jfifSignature) && payload.count >= 14:
            guard jfifSegment == nil else {
                report.noteRemoved("duplicate JFIF (APP0)", bytes: segmentSize)
                return
            }
            var kept = Array(payload[0..<14])
            if payload.count > 14 || kept[12] != 0 || kept[13] != 0 {
                kept[12] = 0
                kept[13] = 0
                report.noteRemoved("JFIF thumbnail (APP0)", bytes: payload.count - 14)
            }
            let segment = [0xFF, JPEGMarker.app0, 0x00, 0x10] + kept
            jfifSegment = segment
            if prologueWritten { try sink.write(segment) }
        case JPEGMarker.app1 where payload.starts(with: JPEGOrientation.exifSignature):
            var keptAsIs = false
            if !sawExif && !prologueWritten {
                orientation = JPEGOrientation.orientation(inExifPayload: payload)
                if let orientation, orientation != 1,
                   [0xFF, JPEGMarker.app1] + JPEGMarker.bigEndian16(payload.count + 2) + payload
                    == JPEGOrientation.minimalExifSegment(orientation: orientation) {
                    exifWasAlreadyMinimal = true
                    keptAsIs = true
                }
            }
            sawExif = true
            if !keptAsIs { report.noteRemoved("Exif (APP1)", bytes: segmentSize) }
        case JPEGMarker.app14 where payload.starts(with: JPEGMarker.adobeSignature) && payload.count >= 12:
            guard adobeSegment == nil else {
                report.noteRemoved("duplicate Adobe (APP14)", bytes: segmentSize)
                return
            }
            let transform = payload[11]
            let segment = JPEGMarker.canonicalAdobeSegment(transform: transform)
            if [0xFF, JPEGMarker.app14, 0x00, 0x0E] + payload != segment {
                report.noteRemoved("Adobe (APP14) version/flags", bytes: segmentSize)
                report.added.append("canonical Adobe APP14 keeping only colour transform \(transform)")
            }
            adobeSegment = segment
            if prologueWritten { try sink.write(segment) }
        case JPEGMarker.app2 where payload.starts(with: JPEGMarker.iccSignature) && payload.count > 14 && !prologueWritten:
            let sequence = Int(payload[12])
            let count = Int(payload[13])
            iccBytes += payload.count
            guard sequence >= 1, sequence <= count, iccChunkCount == 0 || iccChunkCount == count,
                  iccChunks[sequence] == nil, iccBytes <= Self.maximumICCBytes
            else {
                report.noteRemoved("inconsistent ICC profile (APP2)", bytes: segmentSize)
                iccChunkCount = -1
                return
            }
            if iccChunkCount >= 0 {
                iccChunkCount = count
                iccChunks[sequence] = Array(payload[14...])
            }
        default:
            report.noteRemoved(JPEGMarker.label(marker, payload: payload), bytes: segmentSize)
        }
    }

    /// The ICC profile, cleaned and split back into chunks of the sizes it came in; nothing when it was
    /// incomplete or inconsistent (then the report says it was removed).
    mutating func cleanedICCSegments() throws -> [UInt8] {
        guard iccChunkCount > 0 else { return [] }
        let sizes = (1...iccChunkCount).map { iccChunks[$0]?.count }
        guard !sizes.contains(nil) else {
            report.noteRemoved("incomplete ICC profile (APP2)", bytes: iccBytes)
            return []
        }
        let profile = (1...iccChunkCount).flatMap { iccChunks[$0]! }
        let cleaned: [UInt8]
        do {
            let (result, blanked) = try ICCProfile.clean(profile)
            cleaned = result
            if !blanked.isEmpty {
                report.noteRemoved(
                    "ICC profile identifying fields (\(blanked.joined(separator: ", ")))",
                    bytes: zip(profile, result).filter { $0 != $1 }.count)
                report.added.append("ICC colour profile, with its identifying fields blanked")
            }
        } catch {
            report.noteRemoved("malformed ICC profile (APP2)", bytes: iccBytes)
            return []
        }
        var segments: [UInt8] = []
        var start = 0
        for (index, size) in sizes.enumerated() {
            let payload = JPEGMarker.iccSignature + [UInt8(index + 1), UInt8(iccChunkCount)] + cleaned[start..<start + size!]
            segments += [0xFF, JPEGMarker.app2] + JPEGMarker.bigEndian16(payload.count + 2) + payload
            start += size!
        }
        return segments
    }

    /// Writes SOI and the held-back segments once, before the first image-structure segment.
    mutating func writePrologue() throws {
        guard !prologueWritten else { return }
        prologueWritten = true
        var prologue: [UInt8] = [0xFF, JPEGMarker.soi]
        prologue += jfifSegment ?? []
        if let orientation, orientation != 1 {
            prologue += JPEGOrientation.minimalExifSegment(orientation: orientation)
            if !exifWasAlreadyMinimal {
                report.added.append("minimal Exif holding only Orientation=\(orientation)")
            }
        }
        prologue += adobeSegment ?? []
        prologue += try cleanedICCSegments()
        try sink.write(prologue)
    }

    /// Copies entropy-coded data byte for byte (stuffed 0xFF00, RSTn, fill bytes included)
    /// and returns the code of the marker that ends it, whose 0xFF has been consumed. Nil when the input ends
    /// first: what was copied is the data as received, and the report says from where.
    mutating func copyEntropyCodedData() throws -> UInt8? {
        imageBegun = true
        let dataStart = reader.offset
        var pendingFF = false
        while true {
            let available = try reader.buffered()
            if available.isEmpty {
                if pendingFF { try sink.write([0xFF]) }
                report.keptAsReceivedAfter = dataStart
                return nil
            }
            if pendingFF {
                let next = available[available.startIndex]
                reader.consume(1)
                switch next {
                case 0x00, 0xD0...0xD7:
                    try sink.write([0xFF, next])
                    pendingFF = false
                case 0xFF:
                    try sink.write([0xFF])
                default:
                    return next
                }
                continue
            }
            let (dataEnd, marker) = available.withUnsafeBufferPointer(JPEGScanData.scan)
            if dataEnd > 0 { try sink.write(available.prefix(dataEnd)) }
            if let marker {
                reader.consume(dataEnd + 2)
                return marker
            }
            if dataEnd < available.count {
                reader.consume(dataEnd + 1)
                pendingFF = true
            } else {
                reader.consume(dataEnd)
            }
        }
    }
}
