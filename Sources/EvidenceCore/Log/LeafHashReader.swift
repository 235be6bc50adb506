/// Where the Merkle functions read hashes from: the log's storage, or an array in tests.
public protocol LeafHashReader {
    /// The leaf hashes at positions `range`, in order; throws if any is missing.
    func leafHashes(_ range: Range<Int>) throws -> [[UInt8]]

    /// The root of the perfect subtree of 2^`level` leaves that starts at leaf `index` << `level`. By default
    /// hashed from its leaves; a store that keeps interior hashes reads it.
    func subtreeHash(level: Int, index: Int) throws -> [UInt8]
}

extension LeafHashReader {
    public func subtreeHash(level: Int, index: Int) throws -> [UInt8] {
        let start = index << level
        let leaves = try leafHashes(start..<(start + (1 << level)))
        guard leaves.count == 1 << level else { throw MerkleTreeError.missingLeaves(start..<(start + (1 << level)), available: leaves.count) }
        return MerkleTree.subtreeHash(leaves[...])
    }
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
