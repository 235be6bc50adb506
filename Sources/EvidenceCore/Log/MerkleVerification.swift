/// Proof verification of RFC 9162 sections 2.1.3.2 and 2.1.4.2; needs no access to the log.
extension MerkleTree {
    /// True if `proof` shows the leaf `leafHash` at `index` in the tree of `treeSize` leaves with root `root`.
    public static func verifyInclusion(leafHash: [UInt8], index: Int, treeSize: Int, proof: [[UInt8]], root: [UInt8]) -> Bool {
        guard index >= 0, index < treeSize, leafHash.count == hashLength, root.count == hashLength,
            proof.allSatisfy({ $0.count == hashLength })
        else { return false }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in proof {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                while fn & 1 == 0, fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// True if `proof` shows the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`.
    public static func verifyConsistency(oldSize: Int, newSize: Int, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]) -> Bool {
        guard oldSize >= 0, oldSize <= newSize, oldRoot.count == hashLength, newRoot.count == hashLength,
            proof.allSatisfy({ $0.count == hashLength })
        else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        if oldSize == 0 { return proof.isEmpty }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = first
        var sr = first
        for c in path.dropFirst() {
            guard sn > 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                while fn & 1 == 0, fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }
}
