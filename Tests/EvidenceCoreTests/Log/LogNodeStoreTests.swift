import Foundation
import TestCorpus
import Testing
@testable import EvidenceCore

/// The log's interior hashes: kept by each append, filled once for a log that held entries before them, and what
/// proofs and roots are read from, in O(log n) hashes, giving exactly what hashing every leaf gives.
@Suite struct LogNodeStoreTests {
    /// Every stored interior hash, as (level, index) → hash.
    static func storedNodes(_ store: EvidenceStore) throws -> [[Int]: [UInt8]] {
        try store.database.read { session in
            var nodes: [[Int]: [UInt8]] = [:]
            for row in try session.rows("SELECT level, idx, hash FROM log_node", []) {
                nodes[[try row.int(0), try row.int(1)]] = [UInt8](try row.data(2))
            }
            return nodes
        }
    }

    /// Every perfect subtree of `leaves` above the leaves, as (level, index) → hash.
    static func expectedNodes(_ leaves: [[UInt8]]) -> [[Int]: [UInt8]] {
        var nodes: [[Int]: [UInt8]] = [:]
        var level = 1
        while 1 << level <= leaves.count {
            for index in 0..<(leaves.count >> level) {
                nodes[[level, index]] = MerkleTree.subtreeHash(leaves[(index << level)..<((index + 1) << level)])
            }
            level += 1
        }
        return nodes
    }

    /// Every root up to the log's size, and at each size the inclusion proofs of its first, middle and last leaf and
    /// the consistency proofs from its first, middle and last size: from the store and from the leaves.
    static func expectProofsAgree(_ store: EvidenceStore, _ comment: Comment) throws {
        let leaves = try store.logEntries().map(\.leafHash)
        let memory = ArrayLeafHashReader(hashes: leaves)
        for size in 1...leaves.count {
            #expect(try store.logRoot(size: size) == MerkleTree.rootHash(treeSize: size, hashes: memory), comment)
            for index in Set([0, size / 2, size - 1]) {
                #expect(try store.inclusionPath(index: index, treeSize: size) == MerkleTree.inclusionProof(index: index, treeSize: size, hashes: memory), comment)
            }
            for old in Set([1, size / 2, size - 1]) where old >= 1 && old < size {
                #expect(try store.consistencyPath(from: old, to: size) == MerkleTree.consistencyProof(from: old, to: size, hashes: memory), comment)
            }
        }
    }

    @Test("each append keeps the subtrees it completes; proofs and roots from them are those of every leaf", arguments: StoreBackend.all)
    func appendsKeepNodes(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        try LogCompactRangeStoreTests.append(37, to: fixture.store, actor: "alice")
        let leaves = try fixture.store.logEntries().map(\.leafHash)
        #expect(try Self.storedNodes(fixture.store) == Self.expectedNodes(leaves))
        try Self.expectProofsAgree(fixture.store, "37 entries")
    }

    @Test("a log from before the table is filled on opening, resuming after a crash between batches; until then proofs fold what is stored",
          arguments: StoreBackend.all)
    func logFromBeforeIsFilled(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        try LogCompactRangeStoreTests.append(45, to: fixture.store, actor: "alice")
        // As an older build left it: no interior hashes, and the fill's progress as the migration sets it.
        try fixture.sql("DELETE FROM log_node")
        try fixture.sql("INSERT INTO log_node_fill (id, size, level, next) VALUES (1, 45, 1, 0)")
        try Self.expectProofsAgree(fixture.store, "nothing stored yet")
        // One batch, then a crash: the progress moved with it.
        #expect(try fixture.store.database.write { session in try LogNodeFill.step(in: session) } == 22)
        let progress = try fixture.store.database.read { session in try session.row("SELECT level, next FROM log_node_fill", []) }
        #expect(try progress?.int(0) == 2 && progress?.int(1) == 0)
        try LogCompactRangeStoreTests.append(6, to: fixture.store, actor: "bob")
        // The next opening finishes it.
        let reopened = try fixture.anotherStore()
        let leaves = try reopened.logEntries().map(\.leafHash)
        #expect(leaves.count == 51)
        #expect(try Self.storedNodes(reopened) == Self.expectedNodes(leaves))
        #expect(try reopened.database.read { session in try session.row("SELECT COUNT(*) FROM log_node_fill", [])?.int(0) } == 0)
        try Self.expectProofsAgree(reopened, "filled")
    }

    @Test("verify recomputes every interior hash from the entries: clean as appended, and names one altered or missing", arguments: StoreBackend.all)
    func verifyChecksInteriorHashes(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        for _ in 0..<9 { _ = try pipeline.ingest([fixture.spool(try Corpus.bytes("exiftool/t/images/GPS.jpg"))], message: nil) }
        let verify = { try StoreVerifier(desk: try fixture.desk(), log: pipeline.log).run(identity: fixture.identity).problems }
        #expect(try verify().isEmpty)
        try fixture.sql("UPDATE log_node SET hash = ? WHERE level = 2 AND idx = 1", [Data(repeating: 7, count: 32)])
        try fixture.sql("DELETE FROM log_node WHERE level = 3 AND idx = 0")
        let problems = try verify().map { "\($0.subject): \($0.problem)" }
        #expect(problems == [
            "log subtree level 2 index 1: its stored interior hash does not match the entries below it",
            "log subtree level 3 index 0: its interior hash is missing",
        ], "\(problems)")
    }

    @Test("a proof at a large size reads O(log n) subtree hashes, never every leaf")
    func proofsReadLogarithmically() throws {
        final class Counting: LeafHashReader {
            let leaves: [[UInt8]]
            var reads = 0
            init(_ leaves: [[UInt8]]) { self.leaves = leaves }
            func leafHashes(_ range: Range<Int>) throws -> [[UInt8]] { Array(leaves[range]) }
            func subtreeHash(level: Int, index: Int) throws -> [UInt8] {
                reads += 1
                return MerkleTree.subtreeHash(leaves[(index << level)..<((index + 1) << level)])
            }
        }
        let size = 100_003
        let reader = Counting((0..<size).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) })
        for index in [0, 1, 50_000, 65_535, 65_536, 99_999, size - 1] {
            reader.reads = 0
            _ = try MerkleTree.inclusionProof(index: index, treeSize: size, hashes: reader)
            #expect(reader.reads <= 2 * 17 + 2, "index \(index): \(reader.reads) reads")
        }
        reader.reads = 0
        _ = try MerkleTree.consistencyProof(from: 70_001, to: size, hashes: reader)
        #expect(reader.reads <= 3 * 17, "\(reader.reads) reads")
    }
}
