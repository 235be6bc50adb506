import EvidenceCrypto
import Testing
@testable import EvidenceCore

/// The compact range must give the same root as the tree built from every leaf, at every size.
@Suite struct CompactRangeTests {
    @Test("the RFC 6962 roots of sizes 0 to 8, one append at a time")
    func knownRoots() {
        var range = CompactRange()
        #expect(range.rootHash == MerkleTree.emptyRoot)
        for (size, leaf) in ArrayLeafHashReader(entries: rfc6962Leaves).hashes.enumerated() {
            range.append(leaf)
            #expect(range.size == size + 1)
            #expect(range.rootHash == MerkleTreeTests.roots[size], "size \(size + 1)")
            #expect(range.hashes.count == range.size.nonzeroBitCount)
        }
    }

    @Test("roots of every size up to 300 equal the recursive tree hash")
    func everySize() {
        let leaves = (0..<300).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) }
        var range = CompactRange()
        for size in 1...leaves.count {
            range.append(leaves[size - 1])
            #expect(range.rootHash == MerkleTree.rootHash(leafHashes: Array(leaves.prefix(size))), "size \(size)")
        }
        #expect(CompactRange(leafHashes: leaves) == range)
    }

    @Test("the stored form reads back, and a length that does not fit the size is refused")
    func encoding() {
        let range = CompactRange(leafHashes: (0..<13).map { MerkleTree.leafHash([UInt8($0)]) })
        #expect(range.encoded.count == 3 * 32, "13 = 8 + 4 + 1")
        #expect(CompactRange(size: 13, encoded: range.encoded) == range)
        #expect(CompactRange(size: 12, encoded: range.encoded) == nil, "12 = 8 + 4: two subtrees")
        #expect(CompactRange(size: 13, encoded: Array(range.encoded.dropLast())) == nil)
        #expect(CompactRange(size: 0, encoded: []) == CompactRange())
    }
}
