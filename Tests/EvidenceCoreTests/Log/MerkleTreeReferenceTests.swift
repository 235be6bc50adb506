import EvidenceCrypto
import Foundation
import Testing
@testable import EvidenceCore

/// Compares every root and proof of random trees up to 70 leaves with a straightforward Python implementation of RFC 9162 section 2.1.
@Suite struct MerkleTreeReferenceTests {
    static let maximumSize = 70

    static let referenceProgram = #"""
        import hashlib, json, random
        def mth(d):
            if len(d) == 0: return hashlib.sha256(b"").digest()
            if len(d) == 1: return hashlib.sha256(b"\x00" + d[0]).digest()
            k = 1
            while k * 2 < len(d): k *= 2
            return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()
        def path(m, d):
            if len(d) <= 1: return []
            k = 1
            while k * 2 < len(d): k *= 2
            return path(m, d[:k]) + [mth(d[k:])] if m < k else path(m - k, d[k:]) + [mth(d[:k])]
        def subproof(m, d, b):
            if m == len(d): return [] if b else [mth(d)]
            k = 1
            while k * 2 < len(d): k *= 2
            return subproof(m, d[:k], b) + [mth(d[k:])] if m <= k else subproof(m - k, d[k:], False) + [mth(d[:k])]
        rng = random.Random(6962)
        n = MAXIMUM
        leaves = [bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 40))) for _ in range(n)]
        out = {"leaves": [l.hex() for l in leaves], "roots": [], "paths": {}, "proofs": {}}
        for size in range(0, n + 1):
            d = leaves[:size]
            out["roots"].append(mth(d).hex())
            for m in range(size):
                out["paths"]["%d/%d" % (m, size)] = [h.hex() for h in path(m, d)]
            for old in range(1, size):
                out["proofs"]["%d/%d" % (old, size)] = [h.hex() for h in subproof(old, d, True)]
        print(json.dumps(out))
        """#

    struct Reference: Decodable {
        let leaves: [String]
        let roots: [String]
        let paths: [String: [String]]
        let proofs: [String: [String]]
    }

    @Test func matchesPythonReference() throws {
        let program = Self.referenceProgram.replacingOccurrences(of: "MAXIMUM", with: String(Self.maximumSize))
        let result = try runLogTool("python3", ["-c", program])
        #expect(result.status == 0, "\(result.standardError)")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(result.standardOutput.utf8))
        let reader = ArrayLeafHashReader(entries: reference.leaves.map(hex))
        var mismatches: [String] = []
        for size in 0...Self.maximumSize {
            let root = try MerkleTree.rootHash(treeSize: size, hashes: reader)
            if Hex.encode(root) != reference.roots[size] { mismatches.append("root \(size)") }
            for index in 0..<size {
                let proof = try MerkleTree.inclusionProof(index: index, treeSize: size, hashes: reader)
                if proof.map(Hex.encode) != reference.paths["\(index)/\(size)"] { mismatches.append("path \(index)/\(size)") }
                if !MerkleTree.verifyInclusion(leafHash: reader.hashes[index], index: index, treeSize: size, proof: proof, root: root) {
                    mismatches.append("verify path \(index)/\(size)")
                }
            }
            for old in 1..<max(size, 1) {
                let proof = try MerkleTree.consistencyProof(from: old, to: size, hashes: reader)
                if proof.map(Hex.encode) != reference.proofs["\(old)/\(size)"] { mismatches.append("proof \(old)/\(size)") }
                let oldRoot = hex(reference.roots[old])
                if !MerkleTree.verifyConsistency(oldSize: old, newSize: size, oldRoot: oldRoot, newRoot: root, proof: proof) {
                    mismatches.append("verify proof \(old)/\(size)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }
}
