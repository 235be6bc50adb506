import EvidenceCrypto
import Foundation

/// Reading the transparency log and its checkpoints.
extension EvidenceStore {
    public func logSize() throws -> Int {
        try database.read { session in try LogStore.size(in: session) }
    }

    /// The root hash of the first `size` entries: from the stored compact range at the current size (what signing
    /// each submission's checkpoint needs, in O(log n)), otherwise from the stored leaf hashes.
    public func logRoot(size: Int) throws -> [UInt8] {
        try database.read { session in
            if let range = try LogStore.storedCompactRange(in: session), range.size == size { return range.rootHash }
            return try MerkleTree.rootHash(treeSize: size, hashes: DatabaseLeafHashReader(session: session))
        }
    }

    public func logEntries(_ range: Range<Int>? = nil) throws -> [StoredLogEntry] {
        try database.read { session in
            try session.rows(
                "SELECT leaf_index, entry, leaf_hash, file_id FROM log_entry WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                [range?.lowerBound ?? 0, range?.upperBound ?? Int.max]
            ).map(Self.storedEntry)
        }
    }

    public func logEntries(fileID: Int64) throws -> [StoredLogEntry] {
        try database.read { session in
            try session.rows(
                "SELECT leaf_index, entry, leaf_hash, file_id FROM log_entry WHERE file_id = ? ORDER BY leaf_index", [fileID]
            ).map(Self.storedEntry)
        }
    }

    /// The log index of the "received" entry of the file whose commitments this SHA-256 (original or cleaned) and
    /// opening give, or, without an opening, of the file whose sealed copy has this SHA-256. An original or
    /// cleaned hash alone finds nothing: the store has no such value to match.
    public func receivedLogIndex(sha256: String, opening: String? = nil) throws -> (fileID: Int64, index: Int)? {
        let sha = sha256.lowercased()
        let (condition, arguments): (String, [any SQLValueConvertible])
        if let opening {
            guard let original = FileCommitment.commitment(.original, opening: opening, sha256: sha),
                let cleaned = FileCommitment.commitment(.cleaned, opening: opening, sha256: sha)
            else { return nil }
            (condition, arguments) = ("original_commitment = ? OR cleaned_commitment = ?", [original, cleaned])
        } else {
            (condition, arguments) = ("sealed_sha256 = ?", [sha])
        }
        guard let fileID = try database.read({ session in
            try session.int64s("SELECT id FROM file WHERE \(condition) ORDER BY id LIMIT 1", arguments).first
        }) else { return nil }
        guard let entry = try logEntries(fileID: fileID).first(where: { $0.text.contains("\nkind received\n") }) else { return nil }
        return (fileID, entry.index)
    }

    public func inclusionPath(index: Int, treeSize: Int) throws -> [[UInt8]] {
        try database.read { session in
            try MerkleTree.inclusionProof(index: index, treeSize: treeSize, hashes: DatabaseLeafHashReader(session: session))
        }
    }

    public func consistencyPath(from: Int, to: Int) throws -> [[UInt8]] {
        try database.read { session in
            try MerkleTree.consistencyProof(from: from, to: to, hashes: DatabaseLeafHashReader(session: session))
        }
    }

    func storeCheckpoint(size: Int, signedNote: String) throws {
        try database.write { session in try Self.storeCheckpoint(size: size, signedNote: signedNote, in: session) }
    }

    /// Keeps a signed checkpoint; one of that size already kept stays.
    static func storeCheckpoint(size: Int, signedNote: String, in session: any SQLSession) throws {
        try session.execute("INSERT INTO checkpoint (tree_size, signed_note) VALUES (?, ?) ON CONFLICT DO NOTHING", [size, signedNote])
    }

    public func storedCheckpoint(size: Int) throws -> String? {
        try database.read { session in try session.row("SELECT signed_note FROM checkpoint WHERE tree_size = ?", [size])?.string(0) }
    }

    /// Every stored checkpoint, smallest tree first.
    public func storedCheckpoints() throws -> [(size: Int, signedNote: String)] {
        try database.read { session in
            try session.rows("SELECT tree_size, signed_note FROM checkpoint ORDER BY tree_size").map { (try $0.int(0), try $0.string(1)) }
        }
    }

    private static func storedEntry(_ row: SQLRow) throws -> StoredLogEntry {
        StoredLogEntry(index: try row.int(0), bytes: [UInt8](try row.data(1)), leafHash: [UInt8](try row.data(2)), fileID: try row.int64(3))
    }
}
