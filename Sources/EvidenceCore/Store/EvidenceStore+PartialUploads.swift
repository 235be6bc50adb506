import Foundation

/// The shared record of resumable uploads in progress (`PartialUploadsInStore`): what the server may know of
/// them (id, hour begun, key check, and sealed under the client's key the declared length and each piece's bounds)
/// and where their encrypted pieces are.
extension EvidenceStore {
    struct PartialUploadRow {
        let id: String
        let info: PartialUploads.Info
    }

    func createPartialUpload(id: String, sealedLength: String, hour: Int64, keyCheck: String) throws {
        try database.write { session in
            try session.execute(
                "INSERT INTO partial_upload (id, sealed_length, started_hour, key_check) VALUES (?, ?, ?, ?)",
                [id, sealedLength, hour, keyCheck])
        }
    }

    func partialUpload(id: String) throws -> PartialUploadRow? {
        try database.read { session in
            try session.row("SELECT id, sealed_length, length, started_hour, key_check FROM partial_upload WHERE id = ?", [id])
                .map(Self.partialUploadRow)
        }
    }

    func partialUploads() throws -> [PartialUploadRow] {
        try database.read { session in
            try session.rows("SELECT id, sealed_length, length, started_hour, key_check FROM partial_upload ORDER BY id")
                .map(Self.partialUploadRow)
        }
    }

    func partialUploadCount() throws -> Int {
        try database.read { session in Int(try session.int64s("SELECT count(*) FROM partial_upload").first ?? 0) }
    }

    func partialSegments(uploadID: String) throws -> [StoredPiece] {
        try database.read { session in
            try session.rows("SELECT bounds, start_offset, end_offset, blob_key, id FROM partial_segment WHERE upload_id = ?", [uploadID])
                .map(Self.storedPiece)
        }
    }

    /// Records a kept piece under its sealed bounds; false when the upload is gone (taken, removed or expired) and
    /// the piece belongs to nothing.
    func addPartialSegment(uploadID: String, bounds: String, blobKey: String) throws -> Bool {
        try database.write { session in
            guard try session.row("SELECT id FROM partial_upload WHERE id = ?", [uploadID]) != nil else { return false }
            try session.execute("INSERT INTO partial_segment (upload_id, bounds, blob_key) VALUES (?, ?, ?)", [uploadID, bounds, blobKey])
            return true
        }
    }

    /// Forgets a piece that a longer one from the same offset replaced; false when another request already did.
    func removePartialSegment(id: Int64) throws -> Bool {
        try database.write { session in
            try !session.rows("DELETE FROM partial_segment WHERE id = ? RETURNING id", [id]).isEmpty
        }
    }

    /// Takes an upload out of the record in one transaction, returning its pieces; nil when it is not there.
    func claimPartialUpload(id: String) throws -> [StoredPiece]? {
        try database.write { session in
            guard try !session.rows("DELETE FROM partial_upload WHERE id = ? RETURNING id", [id]).isEmpty else { return nil }
            return try session.rows(
                "DELETE FROM partial_segment WHERE upload_id = ? RETURNING bounds, start_offset, end_offset, blob_key, id", [id]
            ).map(Self.storedPiece)
        }
    }

    /// A row with its length sealed, or in the clear when the upload began before lengths were sealed.
    private static func partialUploadRow(_ row: SQLRow) throws -> PartialUploadRow {
        PartialUploadRow(
            id: try row.string(0),
            info: PartialUploads.Info(
                sealedLength: try row.optionalString(1), length: try row.optionalInt64(2), hour: try row.int64(3), keyCheck: try row.string(4)))
    }

    /// A piece under its sealed bounds, or under `<start>-<end>` when its upload began before bounds were sealed.
    private static func storedPiece(_ row: SQLRow) throws -> StoredPiece {
        let label = try row.optionalString(0) ?? "\(try row.int64(1))-\(try row.int64(2))"
        return StoredPiece(label: label, location: try row.string(3), id: try row.int64(4))
    }
}
