/// A window of unread bytes over a `ByteReader`, for formats that must look ahead
/// (frame sync, tags at the end of the file) before deciding what to copy.
///
/// It holds only what callers ask it to fill, so its size stays bounded by them.
final class LookaheadBuffer {
    private let reader: ByteReader
    private var storage: [UInt8] = []
    private var start = 0
    /// True once the input has no more bytes beyond those buffered.
    private(set) var reachedEnd = false
    /// The file offset of the first buffered byte.
    private(set) var offset = 0

    init(_ reader: ByteReader) {
        self.reader = reader
    }

    /// How many bytes are buffered.
    var count: Int { storage.count - start }

    /// The buffered byte at `index` (0 is the first unread byte).
    subscript(index: Int) -> UInt8 { storage[start + index] }

    /// Buffered bytes `range`, relative to the first unread byte.
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> {
        storage[(start + range.lowerBound)..<(start + range.upperBound)]
    }

    /// True when the buffered bytes at `index` are `pattern`.
    func matches(_ pattern: [UInt8], at index: Int = 0) -> Bool {
        index >= 0 && index + pattern.count <= count && bytes(index..<(index + pattern.count)).elementsEqual(pattern)
    }

    /// Buffers at least `wanted` bytes, or everything left when the input ends first.
    func fill(_ wanted: Int) throws {
        while count < wanted && !reachedEnd {
            let available = try reader.buffered()
            if available.isEmpty {
                reachedEnd = true
                break
            }
            if start > 0 && start >= storage.count / 2 {
                storage.removeFirst(start)
                start = 0
            }
            let piece = available.prefix(wanted - count)
            storage += piece
            reader.consume(piece.count)
        }
    }

    /// Writes the first `length` buffered bytes to `sink` and forgets them.
    func write(_ length: Int, to sink: any ByteSink) throws {
        try sink.write(bytes(0..<length))
        discard(length)
    }

    /// Removes and returns exactly `length` bytes, reading more as needed.
    func take(_ length: Int, place: @autoclosure () -> String) throws -> [UInt8] {
        try fill(length)
        guard count >= length else { throw ScrubError.truncated(place()) }
        let result = Array(bytes(0..<length))
        discard(length)
        return result
    }

    /// Skips `length` bytes, buffered or not; throws `truncated(place)` when the input ends first.
    func skip(_ length: Int, place: @autoclosure () -> String) throws {
        let buffered = min(length, count)
        discard(buffered)
        if length > buffered {
            try reader.stream(length - buffered, place: place()) { _ in }
            offset += length - buffered
        }
    }

    private func discard(_ length: Int) {
        start += length
        offset += length
        if start == storage.count {
            storage.removeAll(keepingCapacity: true)
            start = 0
        }
    }
}
