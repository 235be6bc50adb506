import EvidenceCrypto
import Testing
@testable import EvidenceCore

/// Known answers from RFC 6962 as published in transparency-dev/merkle (testonly/constants.go, proof/verify_test.go).
@Suite struct MerkleTreeTests {
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hex)

    /// (leaf index, tree size, audit path).
    static let inclusionVectors: [(Int, Int, [String])] = [
        (0, 1, []),
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]

    /// (old size, new size, proof).
    static let consistencyVectors: [(Int, Int, [String])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
        (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    ]

    let reader = ArrayLeafHashReader(entries: rfc6962Leaves)

    @Test func emptyTreeAndLeafHashes() throws {
        #expect(Hex.encode(MerkleTree.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try MerkleTree.rootHash(treeSize: 0, hashes: reader) == MerkleTree.emptyRoot)
        #expect(Hex.encode(MerkleTree.leafHash([])) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Hex.encode(MerkleTree.leafHash([0])) == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")
    }

    @Test(arguments: 1...8)
    func rootsOfEveryPrefix(size: Int) throws {
        #expect(try MerkleTree.rootHash(treeSize: size, hashes: reader) == Self.roots[size - 1])
        #expect(MerkleTree.rootHash(leafHashes: Array(reader.hashes.prefix(size))) == Self.roots[size - 1])
    }

    @Test(arguments: 0..<5)
    func inclusionVector(number: Int) throws {
        let (index, size, expected) = Self.inclusionVectors[number]
        let proof = try MerkleTree.inclusionProof(index: index, treeSize: size, hashes: reader)
        #expect(proof == expected.map(hex))
        let root = Self.roots[size - 1]
        let leaf = reader.hashes[index]
        #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof, root: root))
        var probes: [(Int, Int, [[UInt8]], [UInt8], [UInt8])] = [
            (index + 1, size, proof, root, leaf), (index ^ 2, size, proof, root, leaf),
            (index, size * 2, proof, root, leaf),
            (index, size, proof, root, MerkleTree.leafHash(Array("wrong".utf8))),
            (index, size, proof, MerkleTree.emptyRoot, leaf),
            (index, size, proof + [root], root, leaf), (index, size, [root] + proof, root, leaf),
        ]
        if index > 0 { probes.append((index - 1, size, proof, root, leaf)) }
        if size > 1 { probes.append((index, size / 2, proof, root, leaf)) }
        for position in proof.indices {
            var flipped = proof
            flipped[position][0] ^= 8
            probes.append((index, size, flipped, root, leaf))
        }
        if !proof.isEmpty { probes.append((index, size, Array(proof.dropLast()), root, leaf)) }
        for (probeIndex, probeSize, probeProof, probeRoot, probeLeaf) in probes {
            #expect(!MerkleTree.verifyInclusion(leafHash: probeLeaf, index: probeIndex, treeSize: probeSize, proof: probeProof, root: probeRoot),
                    "accepted index \(probeIndex) size \(probeSize)")
        }
    }

    @Test(arguments: 0..<5)
    func consistencyVector(number: Int) throws {
        let (oldSize, newSize, expected) = Self.consistencyVectors[number]
        let proof = try MerkleTree.consistencyProof(from: oldSize, to: newSize, hashes: reader)
        #expect(proof == expected.map(hex))
        let oldRoot = Self.roots[oldSize - 1]
        let newRoot = Self.roots[newSize - 1]
        #expect(MerkleTree.verifyConsistency(oldSize: oldSize, newSize: newSize, oldRoot: oldRoot, newRoot: newRoot, proof: proof))
        guard !proof.isEmpty else { return }
        var probes: [(Int, Int, [UInt8], [UInt8], [[UInt8]])] = [
            (oldSize - 1, newSize, oldRoot, newRoot, proof), (oldSize + 1, newSize, oldRoot, newRoot, proof),
            (oldSize ^ 2, newSize, oldRoot, newRoot, proof), (oldSize, newSize * 2, oldRoot, newRoot, proof),
            (oldSize, newSize / 2, oldRoot, newRoot, proof), (oldSize, newSize, newRoot, oldRoot, proof),
            (oldSize, newSize, oldRoot, MerkleTree.emptyRoot, proof), (oldSize, newSize, oldRoot, newRoot, []),
            (oldSize, newSize, oldRoot, newRoot, proof + [oldRoot]), (oldSize, newSize, oldRoot, newRoot, [newRoot] + proof),
            (oldSize, newSize, oldRoot, newRoot, Array(proof.dropLast())),
        ]
        for position in proof.indices {
            var flipped = proof
            flipped[position][0] ^= 16
            probes.append((oldSize, newSize, oldRoot, newRoot, flipped))
        }
        for (probeOld, probeNew, probeOldRoot, probeNewRoot, probeProof) in probes {
            #expect(!MerkleTree.verifyConsistency(oldSize: probeOld, newSize: probeNew, oldRoot: probeOldRoot, newRoot: probeNewRoot, proof: probeProof),
                    "accepted sizes \(probeOld) → \(probeNew)")
        }
    }

    @Test func trivialConsistencyAndBadArguments() throws {
        let root = Self.roots[2]
        #expect(try MerkleTree.consistencyProof(from: 0, to: 3, hashes: reader).isEmpty)
        #expect(MerkleTree.verifyConsistency(oldSize: 0, newSize: 3, oldRoot: MerkleTree.emptyRoot, newRoot: root, proof: []))
        #expect(MerkleTree.verifyConsistency(oldSize: 3, newSize: 3, oldRoot: root, newRoot: root, proof: []))
        #expect(!MerkleTree.verifyConsistency(oldSize: 3, newSize: 3, oldRoot: root, newRoot: Self.roots[3], proof: []))
        #expect(!MerkleTree.verifyConsistency(oldSize: 4, newSize: 3, oldRoot: root, newRoot: root, proof: []))
        #expect(throws: MerkleTreeError.indexOutOfRange(index: 8, treeSize: 8)) { try MerkleTree.inclusionProof(index: 8, treeSize: 8, hashes: reader) }
        #expect(throws: MerkleTreeError.invalidSizes(from: 5, to: 4)) { try MerkleTree.consistencyProof(from: 5, to: 4, hashes: reader) }
        #expect(throws: MerkleTreeError.missingLeaves(8..<9, available: 8)) { try MerkleTree.rootHash(treeSize: 9, hashes: reader) }
    }
}
