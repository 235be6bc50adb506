import Foundation

/// The shared record of resumable uploads in progress (`PartialUploadsInStore`): what the server may know of
/// them (id, declared length, hour begun, key check) and where their encrypted pieces are.
extension EvidenceStore {
    struct PartialUploadRow {
        let id: String
        let length: Int64
        let hour: Int64
        let keyCheck: String
    }

    func createPartialUpload(id: String, length: Int64, hour: Int64, keyCheck: String) throws {
        try database.write { session in
            try session.execute(
                "INSERT INTO partial_upload (id, length, started_hour, key_check) VALUES (?, ?, ?, ?)", [id, length, hour, keyCheck])
        }
    }

    func partialUpload(id: String) throws -> PartialUploadRow? {
        try database.read { session in
            try session.row("SELECT id, length, started_hour, key_check FROM partial_upload WHERE id = ?", [id]).map(Self.partialUploadRow)
        }
    }

    func partialUploads() throws -> [PartialUploadRow] {
        try database.read { session in
            try session.rows("SELECT id, length, started_hour, key_check FROM partial_upload ORDER BY id").map(Self.partialUploadRow)
        }
    }

    func partialSegments(uploadID: String) throws -> [PartialSegment] {
        try database.read { session in
            try session.rows("SELECT start_offset, end_offset, blob_key, id FROM partial_segment WHERE upload_id = ?", [uploadID])
                .map(Self.partialSegment)
        }
    }

    /// Records a kept piece; false when the upload is gone (taken, removed or expired) and the piece belongs to nothing.
    func addPartialSegment(uploadID: String, start: Int64, end: Int64, blobKey: String) throws -> Bool {
        try database.write { session in
            guard try session.row("SELECT id FROM partial_upload WHERE id = ?", [uploadID]) != nil else { return false }
            try session.execute(
                "INSERT INTO partial_segment (upload_id, start_offset, end_offset, blob_key) VALUES (?, ?, ?, ?)",
                [uploadID, start, end, blobKey])
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
    func claimPartialUpload(id: String) throws -> [PartialSegment]? {
        try database.write { session in
            guard try !session.rows("DELETE FROM partial_upload WHERE id = ? RETURNING id", [id]).isEmpty else { return nil }
            return try session.rows(
                "DELETE FROM partial_segment WHERE upload_id = ? RETURNING start_offset, end_offset, blob_key, id", [id]
            ).map(Self.partialSegment)
        }
    }

    private static func partialUploadRow(_ row: SQLRow) throws -> PartialUploadRow {
        PartialUploadRow(id: try row.string(0), length: try row.int64(1), hour: try row.int64(2), keyCheck: try row.string(3))
    }

    private static func partialSegment(_ row: SQLRow) throws -> PartialSegment {
        PartialSegment(start: try row.int64(0), end: try row.int64(1), location: try row.string(2), id: try row.int64(3))
    }
}
