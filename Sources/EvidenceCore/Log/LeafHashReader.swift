/// Where the Merkle functions read leaf hashes from: the log's storage, or an array in tests.
public protocol LeafHashReader {
    /// The leaf hashes at positions `range`, in order; throws if any is missing.
    func leafHashes(_ range: Range<Int>) throws -> [[UInt8]]
}

/// Leaf hashes held in memory.
public struct ArrayLeafHashReader: LeafHashReader, Sendable {
    /// The leaf hashes, in log order.
    public var hashes: [[UInt8]]

    /// Wraps leaf hashes already computed with `MerkleTree.leafHash`.
    public init(hashes: [[UInt8]]) {
        self.hashes = hashes
    }

    /// Hashes the entries with `MerkleTree.leafHash`.
    public init(entries: [[UInt8]]) {
        self.hashes = entries.map(MerkleTree.leafHash)
    }

    public func leafHashes(_ range: Range<Int>) throws -> [[UInt8]] {
        guard range.lowerBound >= 0, range.upperBound <= hashes.count else {
            throw MerkleTreeError.missingLeaves(range, available: hashes.count)
        }
        return Array(hashes[range])
    }
}
