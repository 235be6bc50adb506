/// A buffered reader over a `ByteSource`, shared by the scrubbers.
///
/// It pulls 64 KiB blocks and hands out bounded reads, skips and streamed copies,
/// so no caller ever holds more than one block plus one small header.
final class ByteReader {
    static let blockSize = 64 * 1024

    private let source: any ByteSource
    private var block: [UInt8] = []
    private var position = 0
    private var reachedEnd = false
    /// How many bytes have been consumed from the start of the input.
    private(set) var offset = 0

    init(_ source: any ByteSource) {
        self.source = source
    }

    /// The unread bytes of the current block, loading the next block when it is used up;
    /// empty only at the end of the input.
    func buffered() throws -> ArraySlice<UInt8> {
        while position == block.count && !reachedEnd {
            let next = try source.read(maxLength: Self.blockSize)
            if next.isEmpty {
                reachedEnd = true
            } else {
                block = next
                position = 0
            }
        }
        return block[position...]
    }

    /// Marks `count` bytes of `buffered()` as consumed.
    func consume(_ count: Int) {
        precondition(count >= 0 && count <= block.count - position)
        position += count
        offset += count
    }

    /// The next byte, or nil at the end of the input.
    func readByte() throws -> UInt8? {
        guard let byte = try buffered().first else { return nil }
        consume(1)
        return byte
    }

    /// Exactly `count` bytes; throws `truncated(place)` when the input ends first.
    func read(exactly count: Int, place: @autoclosure () -> String) throws -> [UInt8] {
        var result: [UInt8] = []
        try append(exactly: count, to: &result, place: place())
        return result
    }

    /// Appends exactly `count` bytes to `bytes` (a header read before a box body, without a second copy of both);
    /// throws `truncated(place)` when the input ends first.
    func append(exactly count: Int, to bytes: inout [UInt8], place: @autoclosure () -> String) throws {
        let end = bytes.count + count
        bytes.reserveCapacity(end)
        while bytes.count < end {
            let available = try buffered()
            if available.isEmpty { throw ScrubError.truncated(place()) }
            let piece = available.prefix(end - bytes.count)
            bytes += piece
            consume(piece.count)
        }
    }

    /// Passes the next `count` bytes to `body` in pieces; throws `truncated(place)` when the input ends first.
    func stream(
        _ count: Int,
        place: @autoclosure () -> String,
        _ body: (ArraySlice<UInt8>) throws -> Void
    ) throws {
        guard try stream(upTo: count, body) == count else { throw ScrubError.truncated(place()) }
    }

    /// Up to `count` bytes; fewer only when the input ends first.
    func read(upTo count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        try stream(upTo: count) { result += $0 }
        return result
    }

    /// Passes up to the next `count` bytes to `body` in pieces and returns how many; fewer only when the input
    /// ends first, which a caller that accepts a file cut short checks for itself.
    @discardableResult
    func stream(upTo count: Int, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        var remaining = count
        while remaining > 0 {
            let available = try buffered()
            if available.isEmpty { break }
            let piece = available.prefix(remaining)
            try body(piece)
            consume(piece.count)
            remaining -= piece.count
        }
        return count - remaining
    }

    /// Passes over the next `count` bytes (nil: everything left) without handing them out, asking the source to
    /// skip where it can; returns how many. Throws `truncated(place)` when fewer than `count` are left.
    @discardableResult
    func skip(_ count: Int?, place: @autoclosure () -> String) throws -> Int {
        let wanted = count ?? Int.max
        let inBlock = min(wanted, block.count - position)
        consume(inBlock)
        var skipped = inBlock
        if skipped < wanted, !reachedEnd, let skipping = source as? any SkippingByteSource {
            let passed = try skipping.skip(wanted - skipped)
            offset += passed
            skipped += passed
        }
        // A source that cannot skip (or one that stopped short of the end) is read through.
        while skipped < wanted {
            let available = try buffered()
            if available.isEmpty { break }
            let piece = min(available.count, wanted - skipped)
            consume(piece)
            skipped += piece
        }
        if let count, skipped < count { throw ScrubError.truncated(place()) }
        return skipped
    }

    /// Consumes everything left and returns how many bytes that was.
    func drain() throws -> Int {
        var total = 0
        while true {
            let available = try buffered()
            if available.isEmpty { return total }
            total += available.count
            consume(available.count)
        }
    }
}
