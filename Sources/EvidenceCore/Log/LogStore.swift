import EvidenceCrypto
import Foundation
import GRDB

/// The transparency log's storage in SQLite: entries appended in the transaction of the change they record.
enum LogStore {
    /// Appends `entry` and returns its leaf index. Call inside the write transaction of the state change: the
    /// stored compact range moves with the entry, so every process writing the store sees the two agree.
    @discardableResult
    static func append(_ entry: LogEntry, in db: Database) throws -> Int {
        var range = try compactRange(in: db)
        let index = range.size
        let bytes = entry.encode()
        let leafHash = MerkleTree.leafHash(bytes)
        try db.execute(
            sql: "INSERT INTO log_entry (leaf_index, entry, leaf_hash, file_id) VALUES (?, ?, ?, ?)",
            arguments: [index, Data(bytes), Data(leafHash), entry.fileID])
        range.append(leafHash)
        try db.execute(
            sql: "INSERT OR REPLACE INTO log_compact_range (id, tree_size, hashes) VALUES (1, ?, ?)",
            arguments: [range.size, Data(range.encoded)])
        return index
    }

    /// One past the highest leaf index: a lookup at the end of the primary key, not a count of every row.
    static func size(in db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM log_entry") ?? 0
    }

    /// The compact range of the whole log: the stored one, or rebuilt from the stored leaf hashes when there is
    /// none of the log's size (a log written before the table existed, or by an older build).
    static func compactRange(in db: Database) throws -> CompactRange {
        if let stored = try storedCompactRange(in: db) { return stored }
        let size = try size(in: db)
        return CompactRange(leafHashes: try DatabaseLeafHashReader(db: db).leafHashes(0..<size))
    }

    /// The stored compact range, when it is of the log's current size.
    static func storedCompactRange(in db: Database) throws -> CompactRange? {
        guard let row = try Row.fetchOne(db, sql: "SELECT tree_size, hashes FROM log_compact_range WHERE id = 1"),
            let range = CompactRange(size: row["tree_size"], encoded: [UInt8](row["hashes"] as Data)),
            range.size == (try size(in: db))
        else { return nil }
        return range
    }
}

/// Leaf hashes read from the database (as stored; `verify` recomputes them from the entries separately).
struct DatabaseLeafHashReader: LeafHashReader {
    let db: Database

    func leafHashes(_ range: Range<Int>) throws -> [[UInt8]] {
        let rows = try Data.fetchAll(
            db, sql: "SELECT leaf_hash FROM log_entry WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            arguments: [range.lowerBound, range.upperBound])
        guard rows.count == range.count else { throw MerkleTreeError.missingLeaves(range, available: rows.count) }
        return rows.map { [UInt8]($0) }
    }
}

/// One stored log entry.
public struct StoredLogEntry: Sendable {
    public let index: Int
    public let bytes: [UInt8]
    public let leafHash: [UInt8]
    public let fileID: Int64

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// "received" and "original-kept" entries hold only hashes, sizes, a type and an hour, and are served whole.
    /// The others name reviewers and hold their reasons: outside the store they are shown as leaf hashes only.
    public var isPublic: Bool {
        text.contains("\nkind received\n") || text.contains("\nkind original-kept\n")
    }
}

/// An inclusion proof with everything an independent verifier needs (the JSON of GET /log/proof).
public struct InclusionProof: Codable, Sendable {
    public let leafIndex: Int
    public let treeSize: Int
    public let leafHash: String
    /// The entry's text; nil for entries that are not public (see `StoredLogEntry.isPublic`).
    public var entry: String?
    public let auditPath: [String]
    public let checkpoint: String
    public var sha256: String?

    enum CodingKeys: String, CodingKey {
        case leafIndex = "leaf_index", treeSize = "tree_size", leafHash = "leaf_hash", entry
        case auditPath = "audit_path", checkpoint, sha256
    }
}

/// A consistency proof between two signed checkpoints (the JSON of GET /log/consistency).
public struct ConsistencyProof: Codable, Sendable {
    public let from: Int
    public let to: Int
    public let proof: [String]
    public let oldCheckpoint: String
    public let newCheckpoint: String

    enum CodingKeys: String, CodingKey {
        case from, to, proof, oldCheckpoint = "old_checkpoint", newCheckpoint = "new_checkpoint"
    }
}
