import EvidenceCrypto
import Foundation

/// The transparency log's storage: entries appended in the transaction of the change they record.
enum LogStore {
    /// Appends `entry` and returns its leaf index. Call inside the write transaction of the state change: the
    /// stored compact range moves with the entry, so every process writing the store sees the two agree.
    @discardableResult
    static func append(_ entry: LogEntry, in session: any SQLSession) throws -> Int {
        var range = try compactRange(in: session)
        let index = range.size
        let bytes = entry.encode()
        let leafHash = MerkleTree.leafHash(bytes)
        try session.execute(
            "INSERT INTO log_entry (leaf_index, entry, leaf_hash, file_id) VALUES (?, ?, ?, ?)",
            [index, Data(bytes), Data(leafHash), entry.fileID])
        for node in range.append(leafHash) {
            try session.execute(
                "INSERT INTO log_node (level, idx, hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [node.level, node.index, Data(node.hash)])
        }
        try session.execute(
            """
            INSERT INTO log_compact_range (id, tree_size, hashes) VALUES (1, ?, ?)
            ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, hashes = excluded.hashes
            """,
            [range.size, Data(range.encoded)])
        return index
    }

    /// One past the highest leaf index: a lookup at the end of the primary key, not a count of every row.
    static func size(in session: any SQLSession) throws -> Int {
        try session.row("SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM log_entry")!.int(0)
    }

    /// The compact range of the whole log: the stored one, or rebuilt from the stored leaf hashes when there is
    /// none of the log's size (a log written before the table existed, or by an older build).
    static func compactRange(in session: any SQLSession) throws -> CompactRange {
        if let stored = try storedCompactRange(in: session) { return stored }
        let size = try size(in: session)
        return CompactRange(leafHashes: try DatabaseLeafHashReader(session: session).leafHashes(0..<size))
    }

    /// The stored compact range, when it is of the log's current size.
    static func storedCompactRange(in session: any SQLSession) throws -> CompactRange? {
        guard let row = try session.row("SELECT tree_size, hashes FROM log_compact_range WHERE id = 1"),
            let range = CompactRange(size: try row.int(0), encoded: [UInt8](try row.data(1))),
            range.size == (try size(in: session))
        else { return nil }
        return range
    }
}

/// Leaf hashes read from the database (as stored; `verify` recomputes them from the entries separately).
struct DatabaseLeafHashReader: LeafHashReader {
    let session: any SQLSession

    func leafHashes(_ range: Range<Int>) throws -> [[UInt8]] {
        let rows = try session.rows(
            "SELECT leaf_hash FROM log_entry WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
            [range.lowerBound, range.upperBound])
        guard rows.count == range.count else { throw MerkleTreeError.missingLeaves(range, available: rows.count) }
        return try rows.map { [UInt8](try $0.data(0)) }
    }

    /// A stored interior hash (`log_node`, kept by each append), else the leaf's; a subtree not stored yet (a log
    /// older than the table, until `LogNodeFill` has run) is folded from its two halves, down to what is stored.
    func subtreeHash(level: Int, index: Int) throws -> [UInt8] {
        guard level > 0 else {
            guard let row = try session.row("SELECT leaf_hash FROM log_entry WHERE leaf_index = ?", [index]) else {
                throw MerkleTreeError.missingLeaves(index..<(index + 1), available: 0)
            }
            return [UInt8](try row.data(0))
        }
        if let row = try session.row("SELECT hash FROM log_node WHERE level = ? AND idx = ?", [level, index]) {
            return [UInt8](try row.data(0))
        }
        return MerkleTree.nodeHash(try subtreeHash(level: level - 1, index: 2 * index), try subtreeHash(level: level - 1, index: 2 * index + 1))
    }
}

/// One stored log entry.
public struct StoredLogEntry: Sendable {
    public let index: Int
    public let bytes: [UInt8]
    public let leafHash: [UInt8]
    public let fileID: Int64

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// "received" and "original-kept" entries hold only commitments (hashes and sizes in version 1 entries), a
    /// sealed copy's hash and size, a type and an hour, and are served whole.
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
    /// The file's SHA-256 the proof was asked for, and the opening that links it to the entry's commitment.
    public var sha256: String?
    public var opening: String?

    enum CodingKeys: String, CodingKey {
        case leafIndex = "leaf_index", treeSize = "tree_size", leafHash = "leaf_hash", entry
        case auditPath = "audit_path", checkpoint, sha256, opening
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
