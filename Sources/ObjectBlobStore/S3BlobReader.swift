import EvidenceCore
import ObjectStorage

/// An object read block by block as the network delivers it, one ranged GET at a time.
final class S3BlobReader: BlobReader {
    private let blocks: BlockSource
    /// The rest of the last block, when the caller asked for less than it.
    private var pending: ArraySlice<UInt8> = []

    init(_ object: S3ObjectReader) {
        blocks = BlockSource(object.makeAsyncIterator())
    }

    func read(maxLength: Int) throws -> [UInt8] {
        if pending.isEmpty {
            let blocks = blocks
            guard let block = try BlockingBridge.wait({ try await blocks.next() }) else { return [] }
            pending = block[...]
        }
        let taken = pending.prefix(maxLength)
        pending = pending.dropFirst(taken.count)
        return Array(taken)
    }

    /// Carries the iterator into each bridged task and back. Only one task uses it at a time: the reader waits
    /// for each before it starts the next.
    private final class BlockSource: @unchecked Sendable {
        private var iterator: S3ObjectReader.AsyncIterator

        init(_ iterator: S3ObjectReader.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> [UInt8]? {
            try await iterator.next()
        }
    }
}
