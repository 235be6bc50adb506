/// Why a Merkle root or proof could not be computed.
public enum MerkleTreeError: Error, Equatable, CustomStringConvertible {
    /// An inclusion proof was asked for a leaf the tree does not have.
    case indexOutOfRange(index: Int, treeSize: Int)
    /// A consistency proof was asked for sizes that are not 0 ≤ from ≤ to.
    case invalidSizes(from: Int, to: Int)
    /// The leaf store could not supply the leaves the tree needs.
    case missingLeaves(Range<Int>, available: Int)

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let treeSize):
            return "leaf \(index) is not in a tree of \(treeSize) entries; indexes run from 0 to \(treeSize - 1)"
        case .invalidSizes(let from, let to):
            return "a consistency proof needs 0 ≤ from ≤ to, but from is \(from) and to is \(to)"
        case .missingLeaves(let range, let available):
            return "the log holds \(available) leaves but leaves \(range.lowerBound)..<\(range.upperBound) were needed; the log store is incomplete (run `evidence-review verify`)"
        }
    }
}
