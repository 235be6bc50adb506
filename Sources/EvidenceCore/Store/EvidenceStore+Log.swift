import EvidenceCrypto
import Foundation
import GRDB

/// Reading the transparency log and its checkpoints.
extension EvidenceStore {
    public func logSize() throws -> Int {
        try pool.read { db in try LogStore.size(in: db) }
    }

    /// The root hash of the first `size` entries: from the stored compact range at the current size (what signing
    /// each submission's checkpoint needs, in O(log n)), otherwise from the stored leaf hashes.
    public func logRoot(size: Int) throws -> [UInt8] {
        try pool.read { db in
            if let range = try LogStore.storedCompactRange(in: db), range.size == size { return range.rootHash }
            return try MerkleTree.rootHash(treeSize: size, hashes: DatabaseLeafHashReader(db: db))
        }
    }

    public func logEntries(_ range: Range<Int>? = nil) throws -> [StoredLogEntry] {
        try pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT leaf_index, entry, leaf_hash, file_id FROM log_entry WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                arguments: [range?.lowerBound ?? 0, range?.upperBound ?? Int.max])
            return rows.map(Self.storedEntry)
        }
    }

    public func logEntries(fileID: Int64) throws -> [StoredLogEntry] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT leaf_index, entry, leaf_hash, file_id FROM log_entry WHERE file_id = ? ORDER BY leaf_index",
                arguments: [fileID]
            ).map(Self.storedEntry)
        }
    }

    /// The log index of the "received" entry of the file with this original, cleaned or sealed SHA-256.
    public func receivedLogIndex(sha256: String) throws -> (fileID: Int64, index: Int)? {
        let sha = sha256.lowercased()
        guard let file = try pool.read({ db in
            try FileRecord.filter(Column("original_sha256") == sha || Column("cleaned_sha256") == sha || Column("sealed_sha256") == sha)
                .order(Column("id")).fetchOne(db)
        }) else { return nil }
        guard let entry = try logEntries(fileID: file.id!).first(where: { $0.text.contains("\nkind received\n") }) else { return nil }
        return (file.id!, entry.index)
    }

    public func inclusionPath(index: Int, treeSize: Int) throws -> [[UInt8]] {
        try pool.read { db in try MerkleTree.inclusionProof(index: index, treeSize: treeSize, hashes: DatabaseLeafHashReader(db: db)) }
    }

    public func consistencyPath(from: Int, to: Int) throws -> [[UInt8]] {
        try pool.read { db in try MerkleTree.consistencyProof(from: from, to: to, hashes: DatabaseLeafHashReader(db: db)) }
    }

    func storeCheckpoint(size: Int, signedNote: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO checkpoint (tree_size, signed_note) VALUES (?, ?)", arguments: [size, signedNote])
        }
    }

    public func storedCheckpoint(size: Int) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT signed_note FROM checkpoint WHERE tree_size = ?", arguments: [size]) }
    }

    /// Every stored checkpoint, smallest tree first.
    public func storedCheckpoints() throws -> [(size: Int, signedNote: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT tree_size, signed_note FROM checkpoint ORDER BY tree_size").map { ($0[0], $0[1]) }
        }
    }

    private static func storedEntry(_ row: Row) -> StoredLogEntry {
        StoredLogEntry(index: row[0], bytes: [UInt8](row[1] as Data), leafHash: [UInt8](row[2] as Data), fileID: row[3])
    }
}
