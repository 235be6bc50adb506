import EvidenceCrypto

/// The RFC 9162 section 2.1 Merkle tree over SHA-256: hashing and proof construction, with leaves read through a `LeafHashReader`.
public enum MerkleTree {
    /// Length of every hash in the tree, in bytes.
    public static let hashLength = 32

    /// The root of the empty tree: SHA-256 of no bytes.
    public static let emptyRoot = SHA256Hasher.hash([])

    /// SHA-256(0x00 || entry).
    public static func leafHash(_ entry: [UInt8]) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update([0x00])
        hasher.update(entry)
        return hasher.finalize()
    }

    /// SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update([0x01])
        hasher.update(left)
        hasher.update(right)
        return hasher.finalize()
    }

    /// MTH of the first `treeSize` leaves (RFC 9162 section 2.1.1), from at most one stored subtree per set bit of
    /// `treeSize`.
    public static func rootHash(treeSize: Int, hashes: some LeafHashReader) throws -> [UInt8] {
        guard treeSize > 0 else { return emptyRoot }
        return try hash(0..<treeSize, hashes)
    }

    /// MTH of leaves already in memory.
    public static func rootHash(leafHashes: [[UInt8]]) -> [UInt8] {
        leafHashes.isEmpty ? emptyRoot : subtreeHash(leafHashes[...])
    }

    /// The audit path PATH(index, D[treeSize]) of RFC 9162 section 2.1.3.1, leaf side first: O(log n) subtree
    /// hashes, each stored or folded from O(log n) stored ones.
    public static func inclusionProof(index: Int, treeSize: Int, hashes: some LeafHashReader) throws -> [[UInt8]] {
        guard index >= 0, index < treeSize else { throw MerkleTreeError.indexOutOfRange(index: index, treeSize: treeSize) }
        return try path(index, 0..<treeSize, hashes)
    }

    /// The consistency proof PROOF(from, D[to]) of RFC 9162 section 2.1.4.1; empty when from is 0 or equals to.
    public static func consistencyProof(from: Int, to: Int, hashes: some LeafHashReader) throws -> [[UInt8]] {
        guard from >= 0, from <= to else { throw MerkleTreeError.invalidSizes(from: from, to: to) }
        guard from > 0, from < to else { return [] }
        return try subproof(from, 0..<to, complete: true, hashes)
    }

    /// The largest power of two smaller than `n` (n ≥ 2).
    static func splitPoint(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    static func subtreeHash(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        guard leaves.count > 1 else { return leaves[leaves.startIndex] }
        let middle = leaves.startIndex + splitPoint(leaves.count)
        return nodeHash(subtreeHash(leaves[..<middle]), subtreeHash(leaves[middle...]))
    }

    /// MTH of the leaves in `range`, a range of the RFC's recursion: a perfect subtree (a power of two of leaves,
    /// starting at a multiple of it) is read as one hash; any other is split as MTH splits it.
    static func hash(_ range: Range<Int>, _ hashes: some LeafHashReader) throws -> [UInt8] {
        let count = range.count
        if count.nonzeroBitCount == 1 && range.lowerBound % count == 0 {
            let level = count.trailingZeroBitCount
            return try hashes.subtreeHash(level: level, index: range.lowerBound >> level)
        }
        let middle = range.lowerBound + splitPoint(count)
        return nodeHash(try hash(range.lowerBound..<middle, hashes), try hash(middle..<range.upperBound, hashes))
    }

    private static func path(_ index: Int, _ range: Range<Int>, _ hashes: some LeafHashReader) throws -> [[UInt8]] {
        guard range.count > 1 else { return [] }
        let middle = range.lowerBound + splitPoint(range.count)
        if range.lowerBound + index < middle {
            return try path(index, range.lowerBound..<middle, hashes) + [hash(middle..<range.upperBound, hashes)]
        }
        return try path(index - (middle - range.lowerBound), middle..<range.upperBound, hashes) + [hash(range.lowerBound..<middle, hashes)]
    }

    private static func subproof(_ m: Int, _ range: Range<Int>, complete: Bool, _ hashes: some LeafHashReader) throws -> [[UInt8]] {
        if m == range.count { return complete ? [] : [try hash(range, hashes)] }
        let k = splitPoint(range.count)
        let middle = range.lowerBound + k
        if m <= k {
            return try subproof(m, range.lowerBound..<middle, complete: complete, hashes) + [hash(middle..<range.upperBound, hashes)]
        }
        return try subproof(m - k, middle..<range.upperBound, complete: false, hashes) + [hash(range.lowerBound..<middle, hashes)]
    }
}
