/// Copies an AVI file from a reader to a sink byte for byte in position, keeping or zeroing each range: the
/// AVI scrubber moves nothing, so every output byte sits where its input byte was. A file that ends early
/// (a dashcam that lost power) ends the copy early too, never with an error: what was read is all accounted for.
final class AVIByteCopier {
    private static let zeros = [UInt8](repeating: 0, count: ByteReader.blockSize)

    let reader: ByteReader
    private let sink: BatchingByteSink

    init(source: any ByteSource, sink: any ByteSink) {
        reader = ByteReader(source)
        self.sink = BatchingByteSink(sink)
    }

    /// The offset of the next input byte, which is also that of the next output byte.
    var offset: Int { reader.offset }

    /// Whether the input has ended.
    func atEnd() throws -> Bool {
        try reader.buffered().isEmpty
    }

    /// Up to `count` bytes, fewer only at the end of the input, without writing them.
    func read(upTo count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let available = try reader.buffered()
            if available.isEmpty { break }
            let piece = available.prefix(count - bytes.count)
            bytes += piece
            reader.consume(piece.count)
        }
        return bytes
    }

    /// Writes `bytes`, which stand in for the same number of input bytes already read.
    func write(_ bytes: [UInt8]) throws {
        try sink.write(bytes[...])
    }

    /// Copies up to `count` bytes (fewer at the end of the input): the first `kept` unchanged, the rest as zeros.
    /// Returns the first `captured` bytes of the input and whether any zeroed byte was not already zero.
    @discardableResult
    func pass(_ count: Int, keeping kept: Int, capturing captured: Int = 0) throws -> (captured: [UInt8], zeroedData: Bool) {
        var done = 0
        var capture: [UInt8] = []
        var zeroedData = false
        while done < count {
            let available = try reader.buffered()
            if available.isEmpty { break }
            let piece = available.prefix(count - done)
            if capture.count < captured { capture += piece.prefix(captured - capture.count) }
            let keptCount = min(piece.count, max(kept - done, 0))
            if keptCount > 0 { try sink.write(piece.prefix(keptCount)) }
            let zeroed = piece.dropFirst(keptCount)
            if !zeroed.isEmpty {
                if !zeroedData && zeroed.contains(where: { $0 != 0 }) { zeroedData = true }
                var left = zeroed.count
                while left > 0 {
                    let run = min(left, Self.zeros.count)
                    try sink.write(Self.zeros[0..<run])
                    left -= run
                }
            }
            reader.consume(piece.count)
            done += piece.count
        }
        return (capture, zeroedData)
    }

    /// Copies up to `count` bytes of a Motion JPEG frame with its metadata segments zeroed (fewer at the end of the
    /// input); returns whether a zeroed byte was not already zero.
    func passFrame(_ count: Int) throws -> Bool {
        var filter = MotionJPEGFrameFilter()
        var done = 0
        while done < count {
            let available = try reader.buffered()
            if available.isEmpty { break }
            let piece = available.prefix(count - done)
            try sink.write(filter.filter(piece)[...])
            reader.consume(piece.count)
            done += piece.count
        }
        return filter.zeroedData
    }

    /// Passes on what the batching sink holds; called once at the end.
    func flush() throws {
        try sink.flush()
    }
}
