/// Rewrites a HEIF/AVIF `meta` box (handler `pict`): removes the Exif and XMP items from iinf, iloc,
/// iref and ipma, zeroes their bytes in `idat` and lists their `mdat` extents in `zeroRanges`;
/// keeps every image item and its properties (irot, imir, colr, ispe, pixi, hvcC, av1C, auxC, ...).
/// Item offsets never move: the caller pads the shrunk box with `free` to its old size.
struct ISOBMFFItems {
    static let keptMetaChildren: Set<String> = ["hdlr", "pitm", "iinf", "iloc", "iref", "iprp", "idat", "dinf", "grpl"]
    /// Cap on the items, and on the extents walked, in one iloc box: sizes of zero cannot make a loop without
    /// progress, nor a 64 MiB box a list of items many times its size.
    static let maxExtents = 1_000_000

    var report: RemovalReport
    private(set) var zeroRanges: [Range<Int>] = []

    struct Location {
        let itemID: UInt64
        let entry: Range<Int>
        let constructionMethod: UInt64
        let extents: [(offset: UInt64, length: UInt64)]
    }

    /// True when `meta` (a full box) has an `hdlr` of type `pict`.
    static func isImageMeta(_ bytes: [UInt8], meta: ISOBox) -> Bool {
        guard meta.payload.count >= 12,
              let boxes = try? ISOBMFF.children(bytes, in: (meta.payloadStart + 4)..<meta.end, place: "the meta box"),
              let hdlr = ISOBMFF.first("hdlr", in: boxes), hdlr.payload.count >= 12 else { return false }
        return ISOBMFF.fourCC(bytes[(hdlr.payloadStart + 8)..<(hdlr.payloadStart + 12)]) == "pict"
    }

    /// The cleaned `meta` box (header included), from a buffer holding the top-level box `meta`.
    mutating func clean(_ bytes: [UInt8], meta: ISOBox) throws -> [UInt8] {
        var bytes = bytes
        let children = try ISOBMFF.children(bytes, in: (meta.payloadStart + 4)..<meta.end, place: "the meta box")
        var removed: [UInt64: String] = [:]
        if let iinf = ISOBMFF.first("iinf", in: children) {
            removed = try Self.metadataItems(bytes, iinf: iinf)
        }
        var locations: [Location] = []
        if let iloc = ISOBMFF.first("iloc", in: children) {
            locations = try Self.locations(bytes, iloc: iloc)
        }
        let idat = ISOBMFF.first("idat", in: children)
        var itemBytes: [String: Int] = [:]
        var idatRanges: [Range<Int>] = []
        for location in locations {
            guard let kind = removed[location.itemID] else { continue }
            for extent in location.extents {
                guard extent.length > 0, extent.offset <= UInt64(Int.max / 2), extent.length <= UInt64(Int.max / 2) else {
                    throw ScrubError.malformed("the \(kind) item \(location.itemID) has an extent of unknown or huge length in iloc")
                }
                let range = Int(extent.offset)..<Int(extent.offset + extent.length)
                // The lengths are only claims (an mdat extent may lie past the end of the file), so their sum may not fit.
                itemBytes[kind] = itemBytes[kind, default: 0].addingSaturated(range.count)
                switch location.constructionMethod {
                case 0: zeroRanges.append(range)
                case 1:
                    guard let idat, range.upperBound <= idat.payload.count else {
                        throw ScrubError.malformed("the \(kind) item \(location.itemID) points past its idat box")
                    }
                    idatRanges.append(idat.payloadStart + range.lowerBound..<idat.payloadStart + range.upperBound)
                default: break
                }
            }
        }
        // Merged first: a million extents over the same idat bytes would otherwise zero them a million times.
        for range in ZeroRanges(idatRanges).ranges {
            for index in range { bytes[index] = 0 }
        }
        for (_, kind) in removed.sorted(by: { $0.key < $1.key }) {
            report.noteRemoved("\(kind) item (iinf, iloc, data)", bytes: itemBytes.removeValue(forKey: kind) ?? 0)
        }
        var payload = Array(bytes[meta.payloadStart..<(meta.payloadStart + 4)])
        for child in children {
            guard Self.keptMetaChildren.contains(child.type) else {
                report.noteRemoved(ISOBMFFMovie.label(child.type), bytes: child.size)
                continue
            }
            switch child.type {
            case "hdlr":
                let nameStart = child.payloadStart + 24
                if nameStart < child.end && bytes[nameStart..<child.end].contains(where: { $0 != 0 }) {
                    report.noteRemoved("handler name (hdlr)", bytes: child.end - nameStart)
                    for index in nameStart..<child.end { bytes[index] = 0 }
                }
                payload += bytes[child.start..<child.end]
            case "iinf": payload += try Self.filterItemInfo(bytes, iinf: child, removed: removed)
            case "iloc": payload += Self.filterLocations(bytes, iloc: child, locations: locations, removed: removed)
            case "iref": payload += try Self.filterReferences(bytes, iref: child, removed: removed)
            case "iprp": payload += try filterProperties(bytes, iprp: child, removed: removed)
            default: payload += bytes[child.start..<child.end]
            }
        }
        return ISOBMFF.box("meta", payload)
    }

    /// The Exif and XMP items listed in `iinf`, by item id.
    static func metadataItems(_ bytes: [UInt8], iinf: ISOBox) throws -> [UInt64: String] {
        var result: [UInt64: String] = [:]
        for infe in try itemInfoEntries(bytes, iinf: iinf).entries where infe.type == "infe" {
            let p = infe.payloadStart
            guard infe.payload.count >= 8 else { throw ScrubError.malformed("an infe box at \(infe.start) is cut short") }
            let version = bytes[p]
            var id: UInt64
            var index: Int
            var itemType = ""
            if version >= 2 {
                let idWidth = version == 2 ? 2 : 4
                guard let value = ISOBMFF.uint(bytes, at: p + 4, width: idWidth, limit: infe.end),
                      p + 4 + idWidth + 6 <= infe.end else { throw ScrubError.malformed("an infe box at \(infe.start) is cut short") }
                id = value
                itemType = ISOBMFF.fourCC(bytes[(p + 6 + idWidth)..<(p + 10 + idWidth)])
                index = p + 10 + idWidth
            } else {
                id = ISOBMFF.uint(bytes, at: p + 4, width: 2, limit: infe.end)!
                index = p + 8
                itemType = "mime"
            }
            _ = cString(bytes, from: &index, end: infe.end)
            let contentType = itemType == "mime" ? cString(bytes, from: &index, end: infe.end) : ""
            if itemType == "Exif" {
                result[id] = "Exif"
            } else if itemType == "mime" && contentType.lowercased().contains("rdf+xml") {
                result[id] = "XMP"
            } else if itemType == "mime" && contentType.lowercased().contains("xml") {
                result[id] = "XML metadata"
            }
        }
        return result
    }

    /// The infe boxes of an iinf box and the width of its entry count.
    static func itemInfoEntries(_ bytes: [UInt8], iinf: ISOBox) throws -> (countWidth: Int, entries: [ISOBox]) {
        guard iinf.payload.count >= 6 else { throw ScrubError.malformed("the iinf box is cut short") }
        let countWidth = bytes[iinf.payloadStart] == 0 ? 2 : 4
        let entries = try ISOBMFF.children(bytes, in: (iinf.payloadStart + 4 + countWidth)..<iinf.end, place: "the iinf box")
        return (countWidth, entries)
    }

    static func cString(_ bytes: [UInt8], from index: inout Int, end: Int) -> String {
        let start = index
        while index < end && bytes[index] != 0 { index += 1 }
        defer { index = min(index + 1, end) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    static func filterItemInfo(_ bytes: [UInt8], iinf: ISOBox, removed: [UInt64: String]) throws -> [UInt8] {
        guard !removed.isEmpty else { return Array(bytes[iinf.start..<iinf.end]) }
        let (countWidth, entries) = try itemInfoEntries(bytes, iinf: iinf)
        var kept: [UInt8] = []
        var count = 0
        for infe in entries {
            // Only infe boxes name items (`metadataItems` checked their size); another box may even be empty.
            if infe.type == "infe" {
                let version = bytes[infe.payloadStart]
                let id = ISOBMFF.uint(bytes, at: infe.payloadStart + 4, width: version == 3 ? 4 : 2, limit: infe.end) ?? 0
                if removed[id] != nil { continue }
            }
            kept += bytes[infe.start..<infe.end]
            count += 1
        }
        return ISOBMFF.box("iinf", Array(bytes[iinf.payloadStart..<(iinf.payloadStart + 4)]) + ISOBMFF.bigEndian(UInt64(count), width: countWidth) + kept)
    }

    /// Every item's entry in iloc (versions 0, 1 and 2; field sizes 0, 4 and 8).
    static func locations(_ bytes: [UInt8], iloc: ISOBox) throws -> [Location] {
        let end = iloc.end
        let p = iloc.payloadStart
        func field(_ at: inout Int, _ width: Int) throws -> UInt64 {
            guard let value = ISOBMFF.uint(bytes, at: at, width: width, limit: end) else {
                throw ScrubError.malformed("the iloc box ends inside an item entry")
            }
            at += width
            return value
        }
        guard iloc.payload.count >= 8 else { throw ScrubError.malformed("the iloc box is cut short") }
        let version = Int(bytes[p])
        guard version <= 2 else { throw ScrubError.malformed("the iloc box has unknown version \(version)") }
        let offsetSize = Int(bytes[p + 4] >> 4), lengthSize = Int(bytes[p + 4] & 15)
        let baseOffsetSize = Int(bytes[p + 5] >> 4), indexSize = version >= 1 ? Int(bytes[p + 5] & 15) : 0
        guard [offsetSize, lengthSize, baseOffsetSize, indexSize].allSatisfy({ [0, 4, 8].contains($0) }) else {
            throw ScrubError.malformed("the iloc box has a field size other than 0, 4 or 8")
        }
        var at = p + 6
        let itemCount = try field(&at, version < 2 ? 2 : 4)
        guard itemCount <= maxExtents else { throw ScrubError.tooLarge("the iloc box lists \(itemCount) items") }
        var result: [Location] = []
        var extentTotal = 0
        for _ in 0..<itemCount {
            let entryStart = at
            let itemID = try field(&at, version < 2 ? 2 : 4)
            let method = version >= 1 ? try field(&at, 2) & 15 : 0
            _ = try field(&at, 2)
            let base = try field(&at, baseOffsetSize)
            let extentCount = Int(try field(&at, 2))
            extentTotal += extentCount
            guard extentTotal <= maxExtents else { throw ScrubError.tooLarge("the iloc box lists more than \(maxExtents) extents") }
            var extents: [(offset: UInt64, length: UInt64)] = []
            for _ in 0..<extentCount {
                _ = try field(&at, indexSize)
                let offset = try field(&at, offsetSize)
                let length = try field(&at, lengthSize)
                let (sum, overflow) = base.addingReportingOverflow(offset)
                guard !overflow else { throw ScrubError.malformed("an iloc extent offset overflows") }
                extents.append((sum, length))
            }
            result.append(Location(itemID: itemID, entry: entryStart..<at, constructionMethod: method, extents: extents))
        }
        return result
    }

    static func filterLocations(_ bytes: [UInt8], iloc: ISOBox, locations: [Location], removed: [UInt64: String]) -> [UInt8] {
        guard !removed.isEmpty else { return Array(bytes[iloc.start..<iloc.end]) }
        let version = bytes[iloc.payloadStart]
        let countWidth = version < 2 ? 2 : 4
        let kept = locations.filter { removed[$0.itemID] == nil }
        let tail = locations.last.map { $0.entry.upperBound } ?? (iloc.payloadStart + 6 + countWidth)
        var payload = Array(bytes[iloc.payloadStart..<(iloc.payloadStart + 6)]) + ISOBMFF.bigEndian(UInt64(kept.count), width: countWidth)
        for location in kept { payload += bytes[location.entry] }
        payload += bytes[tail..<iloc.end]
        return ISOBMFF.box("iloc", payload)
    }

    static func filterReferences(_ bytes: [UInt8], iref: ISOBox, removed: [UInt64: String]) throws -> [UInt8] {
        guard !removed.isEmpty else { return Array(bytes[iref.start..<iref.end]) }
        guard iref.payload.count >= 4 else { throw ScrubError.malformed("the iref box is cut short") }
        let width = bytes[iref.payloadStart] == 0 ? 2 : 4
        var payload = Array(bytes[iref.payloadStart..<(iref.payloadStart + 4)])
        for reference in try ISOBMFF.children(bytes, in: (iref.payloadStart + 4)..<iref.end, place: "the iref box") {
            var at = reference.payloadStart
            guard let from = ISOBMFF.uint(bytes, at: at, width: width, limit: reference.end),
                  let count = ISOBMFF.uint(bytes, at: at + width, width: 2, limit: reference.end),
                  reference.payload.count == width + 2 + Int(count) * width else {
                throw ScrubError.malformed("the item reference \(reference.type) at \(reference.start) does not match its size")
            }
            if removed[from] != nil { continue }
            at += width + 2
            let targets = (0..<Int(count)).map { ISOBMFF.uint(bytes, at: at + $0 * width, width: width)! }
            let kept = targets.filter { removed[$0] == nil }
            if kept.isEmpty { continue }
            payload += ISOBMFF.box(reference.type, ISOBMFF.bigEndian(from, width: width) + ISOBMFF.bigEndian(UInt64(kept.count), width: 2)
                + kept.flatMap { ISOBMFF.bigEndian($0, width: width) })
        }
        return ISOBMFF.box("iref", payload)
    }

    /// iprp with ipma entries of removed items dropped and user-description properties (udes) replaced by
    /// zero-filled `free` boxes of the same size, so property indexes stay right.
    mutating func filterProperties(_ bytes: [UInt8], iprp: ISOBox, removed: [UInt64: String]) throws -> [UInt8] {
        var payload: [UInt8] = []
        for child in try ISOBMFF.children(bytes, in: iprp.payload, place: "the iprp box") {
            switch child.type {
            case "ipco":
                var properties: [UInt8] = []
                for property in try ISOBMFF.children(bytes, in: child.payload, place: "the ipco box") {
                    if property.type == "udes" {
                        report.noteRemoved("user description property (udes)", bytes: property.size)
                        properties += ISOBMFF.freeHeader(size: property.size) + [UInt8](repeating: 0, count: property.size - 8)
                    } else if property.type == "colr" {
                        properties += try scrubProfileHeader(Array(bytes[property.start..<property.end]), payloadOffset: property.payloadStart - property.start)
                    } else {
                        properties += bytes[property.start..<property.end]
                    }
                }
                payload += ISOBMFF.box("ipco", properties)
            case "ipma":
                payload += try Self.filterAssociations(bytes, ipma: child, removed: removed)
            default:
                report.noteRemoved(ISOBMFFMovie.label(child.type), bytes: child.size)
            }
        }
        return ISOBMFF.box("iprp", payload)
    }

    /// A colr property whose ICC profile has its identifying fields blanked by `ICCProfile` (same size).
    mutating func scrubProfileHeader(_ colr: [UInt8], payloadOffset: Int) throws -> [UInt8] {
        let icc = payloadOffset + 4
        let colourType = ISOBMFF.fourCC(colr[payloadOffset..<min(colr.count, payloadOffset + 4)])
        guard colourType == "prof" || colourType == "rICC", colr.count > icc else { return colr }
        // Some writers pad the box after the profile; the profile's own size field says where it ends.
        let declared = Int(ISOBMFF.uint(colr, at: icc, width: 4) ?? 0)
        let end = declared > 0 && declared <= colr.count - icc ? icc + declared : colr.count
        let profile = Array(colr[icc..<end])
        let (cleaned, blanked) = try ICCProfile.clean(profile)
        guard !blanked.isEmpty else { return colr }
        report.noteRemoved("ICC profile identifying fields (\(blanked.joined(separator: ", ")))", bytes: zip(profile, cleaned).filter { $0 != $1 }.count)
        return Array(colr[..<icc]) + cleaned + colr[end...]
    }

    static func filterAssociations(_ bytes: [UInt8], ipma: ISOBox, removed: [UInt64: String]) throws -> [UInt8] {
        let p = ipma.payloadStart
        guard ipma.payload.count >= 8 else { throw ScrubError.malformed("the ipma box is cut short") }
        let idWidth = bytes[p] < 1 ? 2 : 4
        let indexWidth = bytes[p + 3] & 1 == 1 ? 2 : 1
        let count = ISOBMFF.uint(bytes, at: p + 4, width: 4)!
        var at = p + 8
        var kept: [UInt8] = []
        var keptCount: UInt64 = 0
        for _ in 0..<count {
            let start = at
            guard let id = ISOBMFF.uint(bytes, at: at, width: idWidth, limit: ipma.end),
                  let associations = ISOBMFF.uint(bytes, at: at + idWidth, width: 1, limit: ipma.end) else {
                throw ScrubError.malformed("the ipma box ends inside an entry")
            }
            at += idWidth + 1 + Int(associations) * indexWidth
            guard at <= ipma.end else { throw ScrubError.malformed("the ipma box ends inside an entry") }
            if removed[id] == nil {
                kept += bytes[start..<at]
                keptCount += 1
            }
        }
        return ISOBMFF.box("ipma", Array(bytes[p..<(p + 4)]) + ISOBMFF.bigEndian(keptCount, width: 4) + kept + bytes[at..<ipma.end])
    }
}
