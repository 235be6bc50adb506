/// The right edge of a Merkle tree of `size` leaves: the roots of its perfect subtrees, one per set bit of `size`,
/// largest (leftmost) first. It is all an append needs: a new leaf merges with the subtrees of the trailing set bits,
/// so appending and the root are O(log n) and no leaf is read again (as in RFC 9162's tree of section 2.1.1).
public struct CompactRange: Sendable, Equatable {
    public private(set) var size = 0
    /// The subtree roots, leftmost first; as many as `size` has set bits.
    public private(set) var hashes: [[UInt8]] = []

    /// The range of the empty tree.
    public init() {}

    /// The range after appending every hash of `leafHashes` in order.
    public init(leafHashes: some Sequence<[UInt8]>) {
        for leaf in leafHashes { append(leaf) }
    }

    /// Reads the form `encoded` wrote; nil when the bytes cannot be a range of `size` leaves.
    public init?(size: Int, encoded: [UInt8]) {
        guard size >= 0, encoded.count == size.nonzeroBitCount * MerkleTree.hashLength else { return nil }
        self.size = size
        hashes = stride(from: 0, to: encoded.count, by: MerkleTree.hashLength).map {
            Array(encoded[$0..<($0 + MerkleTree.hashLength)])
        }
    }

    /// The subtree roots joined, leftmost first (32 bytes each).
    public var encoded: [UInt8] { hashes.flatMap { $0 } }

    /// A perfect subtree completed by an append: 2^`level` leaves from `index` << `level`.
    public struct Node: Sendable, Equatable {
        public let level: Int
        public let index: Int
        public let hash: [UInt8]
    }

    /// Adds one leaf hash (SHA-256(0x00 || entry)) at index `size`; returns the subtrees it completes, lowest first
    /// (one per trailing set bit of the old size), which a store keeps so that proofs need not read every leaf.
    @discardableResult
    public mutating func append(_ leafHash: [UInt8]) -> [Node] {
        let leafIndex = size
        var carried = leafHash
        var bits = size
        var completed: [Node] = []
        // Each trailing set bit of the old size is a subtree of the same height as `carried`: merge them.
        while bits & 1 == 1 {
            carried = MerkleTree.nodeHash(hashes.removeLast(), carried)
            bits >>= 1
            let level = completed.count + 1
            completed.append(Node(level: level, index: leafIndex >> level, hash: carried))
        }
        hashes.append(carried)
        size += 1
        return completed
    }

    /// MTH of the `size` leaves: the subtree roots folded from the right.
    public var rootHash: [UInt8] {
        guard var root = hashes.last else { return MerkleTree.emptyRoot }
        for left in hashes.dropLast().reversed() {
            root = MerkleTree.nodeHash(left, root)
        }
        return root
    }
}
