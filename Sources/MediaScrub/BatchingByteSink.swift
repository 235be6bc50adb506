/// Gathers small writes into blocks before passing them on, for scrubbers that write a file in pieces of a few
/// bytes (Ogg pages, GIF sub-blocks): a sink that writes to a file would otherwise make a system call for each.
final class BatchingByteSink: ByteSink {
    private let sink: any ByteSink
    private var buffer: [UInt8] = []

    init(_ sink: any ByteSink) {
        self.sink = sink
        buffer.reserveCapacity(ByteReader.blockSize)
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        if buffer.count + bytes.count > ByteReader.blockSize { try flush() }
        if bytes.count >= ByteReader.blockSize { return try sink.write(bytes) }
        buffer += bytes
    }

    /// Passes on what is held; the scrubber calls it once it has written everything.
    func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink.write(buffer[...])
        buffer.removeAll(keepingCapacity: true)
    }
}
