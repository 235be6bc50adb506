import Foundation
import Testing
@testable import EvidenceCore

/// The compact range kept in the database must give, after any appends by any connection, the root that
/// recomputing the tree from every stored entry gives.
@Suite struct LogCompactRangeStoreTests {
    /// Appends `count` entries, each in its own transaction as the store's changes do.
    static func append(_ count: Int, to store: EvidenceStore, actor: String) throws {
        for number in 0..<count {
            try store.database.write { session in
                _ = try LogStore.append(.exported(try LogEntry.Exported(fileID: Int64(number + 1), actor: actor, hour: HourStamp.now())), in: session)
            }
        }
    }

    /// The root of every entry, hashed again from the entries' bytes.
    static func recomputedRoot(_ store: EvidenceStore) throws -> (size: Int, root: [UInt8]) {
        let entries = try store.logEntries()
        #expect(entries.map(\.index) == Array(entries.indices))
        return (entries.count, MerkleTree.rootHash(leafHashes: entries.map { MerkleTree.leafHash($0.bytes) }))
    }

    /// The stored range is there, of the log's size, and its root is the recomputed one; so is `logRoot`.
    static func expectStoredRangeHolds(_ store: EvidenceStore, _ comment: Comment) throws {
        let (size, root) = try recomputedRoot(store)
        let stored = try store.database.read { session in try LogStore.storedCompactRange(in: session) }
        #expect(stored?.size == size, comment)
        #expect(stored?.rootHash == root, comment)
        #expect(try store.logSize() == size, comment)
        #expect(try store.logRoot(size: size) == root, comment)
    }

    @Test("after many appends, a reopen and appends through a second connection, the stored root is the recomputed one",
          arguments: StoreBackend.all)
    func appendsReopenAndSecondConnection(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        for step in 1...70 {
            try Self.append(1, to: fixture.store, actor: "alice")
            try Self.expectStoredRangeHolds(fixture.store, "after append \(step)")
        }
        let reopened = try fixture.anotherStore()
        try Self.append(33, to: reopened, actor: "bob")
        try Self.expectStoredRangeHolds(reopened, "after a reopen")
        // Another handle on the same database: its own connections, as another process (or server node) has.
        let other = try fixture.anotherStore()
        for round in 1...25 {
            try Self.append(round % 3 + 1, to: other, actor: "carol")
            try Self.append(round % 2 + 1, to: reopened, actor: "dave")
            try Self.expectStoredRangeHolds(reopened, "round \(round), read by the first connection")
            try Self.expectStoredRangeHolds(other, "round \(round), read by the second connection")
        }
        #expect(try reopened.logSize() == 70 + 33 + (1...25).map { $0 % 3 + 1 + $0 % 2 + 1 }.reduce(0, +))
    }

    @Test("entries written without the range (an older build, a log from before it) are taken in on the next append", arguments: StoreBackend.all)
    func entriesWrittenWithoutTheRange(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let store = fixture.store
        try Self.append(10, to: store, actor: "alice")
        // An entry appended as builds before the range did: the stored range no longer has the log's size.
        let bytes = LogEntry.exported(try LogEntry.Exported(fileID: 99, actor: "old", hour: HourStamp.now())).encode()
        try store.database.write { session in
            try session.execute(
                "INSERT INTO log_entry (leaf_index, entry, leaf_hash, file_id) VALUES (10, ?, ?, 99)",
                [Data(bytes), Data(MerkleTree.leafHash(bytes))])
        }
        #expect(try store.database.read { session in try LogStore.storedCompactRange(in: session) } == nil)
        let (size, root) = try Self.recomputedRoot(store)
        #expect(size == 11)
        #expect(try store.logRoot(size: 11) == root, "falls back to the leaves")
        try Self.append(1, to: store, actor: "alice")
        try Self.expectStoredRangeHolds(store, "rebuilt on the append after the old writer's")
        // A log with no stored range at all, as the migration leaves an existing one.
        try store.database.write { session in try session.execute("DELETE FROM log_compact_range") }
        try Self.append(5, to: store, actor: "alice")
        try Self.expectStoredRangeHolds(store, "rebuilt on the first append after the migration")
    }
}
