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

    /// MTH of the first `treeSize` leaves (RFC 9162 section 2.1.1); reads all of them.
    public static func rootHash(treeSize: Int, hashes: some LeafHashReader) throws -> [UInt8] {
        guard treeSize > 0 else { return emptyRoot }
        return subtreeHash(try read(treeSize, from: hashes)[...])
    }

    /// MTH of leaves already in memory.
    public static func rootHash(leafHashes: [[UInt8]]) -> [UInt8] {
        leafHashes.isEmpty ? emptyRoot : subtreeHash(leafHashes[...])
    }

    /// The audit path PATH(index, D[treeSize]) of RFC 9162 section 2.1.3.1, leaf side first.
    public static func inclusionProof(index: Int, treeSize: Int, hashes: some LeafHashReader) throws -> [[UInt8]] {
        guard index >= 0, index < treeSize else { throw MerkleTreeError.indexOutOfRange(index: index, treeSize: treeSize) }
        return path(index, try read(treeSize, from: hashes)[...])
    }

    /// The consistency proof PROOF(from, D[to]) of RFC 9162 section 2.1.4.1; empty when from is 0 or equals to.
    public static func consistencyProof(from: Int, to: Int, hashes: some LeafHashReader) throws -> [[UInt8]] {
        guard from >= 0, from <= to else { throw MerkleTreeError.invalidSizes(from: from, to: to) }
        guard from > 0, from < to else { return [] }
        return subproof(from, try read(to, from: hashes)[...], complete: true)
    }

    private static func read(_ count: Int, from reader: some LeafHashReader) throws -> [[UInt8]] {
        let leaves = try reader.leafHashes(0..<count)
        guard leaves.count == count else { throw MerkleTreeError.missingLeaves(0..<count, available: leaves.count) }
        return leaves
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

    private static func path(_ index: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        let k = splitPoint(leaves.count)
        let middle = leaves.startIndex + k
        if index < k {
            return path(index, leaves[..<middle]) + [subtreeHash(leaves[middle...])]
        }
        return path(index - k, leaves[middle...]) + [subtreeHash(leaves[..<middle])]
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, complete: Bool) -> [[UInt8]] {
        if m == leaves.count { return complete ? [] : [subtreeHash(leaves)] }
        let k = splitPoint(leaves.count)
        let middle = leaves.startIndex + k
        if m <= k {
            return subproof(m, leaves[..<middle], complete: complete) + [subtreeHash(leaves[middle...])]
        }
        return subproof(m - k, leaves[middle...], complete: false) + [subtreeHash(leaves[..<middle])]
    }
}
