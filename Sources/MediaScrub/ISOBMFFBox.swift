/// One box of an ISO BMFF / QuickTime structure held in memory: its type and where it sits in the buffer.
struct ISOBox {
    /// The four type bytes, as Latin-1 text (so `©xyz` reads as written).
    let type: String
    /// Index of the box's first byte (its size field) in the buffer.
    let start: Int
    /// Index of the first payload byte, after size, type, any 64-bit size and any uuid extended type.
    let payloadStart: Int
    /// Index one past the box's last byte.
    let end: Int

    var size: Int { end - start }
    var payload: Range<Int> { payloadStart..<end }
}

/// Byte helpers for ISO BMFF boxes held in memory.
enum ISOBMFF {
    /// The four bytes at `index` as Latin-1 text.
    static func fourCC(_ bytes: some Collection<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.prefix(4).map { Unicode.Scalar($0) }))
    }

    static func fourCCBytes(_ type: String) -> [UInt8] {
        type.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    /// Big-endian unsigned integer of `width` bytes (0...8) at `index`; nil when it does not fit in `bytes`.
    static func uint(_ bytes: [UInt8], at index: Int, width: Int, limit: Int? = nil) -> UInt64? {
        let end = limit ?? bytes.count
        guard index >= 0, width >= 0, index <= end - width else { return nil }
        var value: UInt64 = 0
        for i in 0..<width { value = value << 8 | UInt64(bytes[index + i]) }
        return value
    }

    static func bigEndian(_ value: UInt64, width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// Boxes listed in one container at most: a 64 MiB index of empty 8-byte boxes would otherwise be a list of
    /// five times its size.
    static let maxChildren = 1_000_000

    /// The boxes laid end to end in `bytes[range]`; throws when one does not fit.
    static func children(_ bytes: [UInt8], in range: Range<Int>, place: String) throws -> [ISOBox] {
        var boxes: [ISOBox] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard boxes.count < maxChildren else { throw ScrubError.tooLarge("more than \(maxChildren) boxes in \(place)") }
            guard range.upperBound - index >= 8 else {
                throw ScrubError.malformed("\(range.upperBound - index) stray bytes at the end of \(place)")
            }
            let box = try header(bytes, at: index, parentEnd: range.upperBound, place: place)
            boxes.append(box)
            index = box.end
        }
        return boxes
    }

    /// The box starting at `index`, which must end by `parentEnd`.
    static func header(_ bytes: [UInt8], at index: Int, parentEnd: Int, place: String) throws -> ISOBox {
        let size32 = uint(bytes, at: index, width: 4, limit: parentEnd)!
        let type = fourCC(bytes[(index + 4)..<(index + 8)])
        var headerLength = 8
        var size: UInt64 = size32
        if size32 == 1 {
            guard let large = uint(bytes, at: index + 8, width: 8, limit: parentEnd) else {
                throw ScrubError.malformed("the box \(type) at \(index) in \(place) has a cut 64-bit size")
            }
            size = large
            headerLength = 16
        } else if size32 == 0 {
            size = UInt64(parentEnd - index)
        }
        if type == "uuid" { headerLength += 16 }
        guard size >= UInt64(headerLength), size <= UInt64(parentEnd - index) else {
            throw ScrubError.malformed("the box \(type) at \(index) in \(place) claims \(size) bytes, which do not fit")
        }
        return ISOBox(type: type, start: index, payloadStart: index + headerLength, end: index + Int(size))
    }

    /// A box of `type` around `payload`.
    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        bigEndian(UInt64(payload.count + 8), width: 4) + fourCCBytes(type) + payload
    }

    /// The header of a `free` box of `size` bytes in total (size >= 8).
    static func freeHeader(size: Int) -> [UInt8] {
        bigEndian(UInt64(size), width: 4) + fourCCBytes("free")
    }

    /// The first box of `type` among `boxes`.
    static func first(_ type: String, in boxes: [ISOBox]) -> ISOBox? {
        boxes.first { $0.type == type }
    }

    /// The box at `path` below `bytes[range]`, e.g. ["mdia", "minf", "stbl"].
    static func find(_ path: [String], in bytes: [UInt8], range: Range<Int>, place: String) throws -> ISOBox? {
        var current = range
        var found: ISOBox?
        for type in path {
            guard let box = first(type, in: try children(bytes, in: current, place: place)) else { return nil }
            found = box
            current = box.payload
        }
        return found
    }
}

/// Byte ranges of the file to overwrite with zeros while streaming, applied in ascending order.
public struct ZeroRanges: Sendable {
    public private(set) var ranges: [Range<Int>] = []
    private var cursor = 0

    public var isEmpty: Bool { ranges.isEmpty }

    /// Sorted, merged copy of `ranges`, empty ones dropped.
    public init(_ unsorted: [Range<Int>] = []) {
        for range in unsorted.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = ranges.last, range.lowerBound <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
    }

    /// `piece`, which sits at file offset `offset`, with the covered bytes zeroed. Offsets must not go backwards.
    public mutating func apply(_ piece: ArraySlice<UInt8>, at offset: Int) -> ArraySlice<UInt8> {
        let span = offset..<(offset + piece.count)
        while cursor < ranges.count && ranges[cursor].upperBound <= span.lowerBound { cursor += 1 }
        guard cursor < ranges.count, ranges[cursor].lowerBound < span.upperBound else { return piece }
        var copy = Array(piece)
        var index = cursor
        while index < ranges.count && ranges[index].lowerBound < span.upperBound {
            let hit = ranges[index].clamped(to: span)
            for position in hit { copy[position - offset] = 0 }
            index += 1
        }
        return copy[...]
    }

    /// How many bytes of `piece`, which sits at file offset `offset`, are covered and not zero. Offsets must not go
    /// backwards.
    public mutating func nonZeroCovered(_ piece: ArraySlice<UInt8>, at offset: Int) -> Int {
        let span = offset..<(offset + piece.count)
        while cursor < ranges.count && ranges[cursor].upperBound <= span.lowerBound { cursor += 1 }
        var count = 0
        var index = cursor
        while index < ranges.count && ranges[index].lowerBound < span.upperBound {
            let hit = ranges[index].clamped(to: span)
            count += piece[(piece.startIndex + hit.lowerBound - offset)..<(piece.startIndex + hit.upperBound - offset)].count { $0 != 0 }
            index += 1
        }
        return count
    }
}
