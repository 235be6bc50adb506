import EvidenceCrypto
import Foundation
import MediaScrub

/// The upgrade from stores that kept files' hashes and sizes in the clear: each file's facts are sealed to the
/// reviewers, then the plain columns go, and the database is rewritten so no page keeps them.
extension EvidenceStore {
    /// The file columns that held what a file gives away, before it was sealed (`FileFacts`).
    package static let plainFactColumns = ["original_sha256", "cleaned_sha256", "original_size", "cleaned_size", "removal_report"]

    /// Marks, between the upgrade's commit and the end of its VACUUM, that the rewrite is still owed (after a crash).
    private static let pendingRewrite = "plain_facts_rewrite_pending"

    /// Seals the plain facts of every file to `recipients` and removes the plain columns, in one transaction, so a
    /// crash leaves either the old store or the new one; then rewrites the database. With `recipients` nil only a
    /// store without files is upgraded (there is nothing to seal). Returns how many files' facts were sealed.
    @discardableResult
    public func sealPlainFacts(to recipients: [X25519PublicKey]?) throws -> Int {
        // Every server start and review command comes here: an upgraded store is seen in a read transaction, without
        // queueing for the write lock behind the server's commits (on PostgreSQL, every node's).
        let owed = try database.read { session in
            try database.columnNames(of: "file", in: session).contains(Self.plainFactColumns[0])
                || !database.columnNames(of: Self.pendingRewrite, in: session).isEmpty
        }
        guard owed else { return 0 }
        let outcome: (sealed: Int, rewrite: Bool) = try database.write { session in
            let columns = try database.columnNames(of: "file", in: session)
            guard columns.contains(Self.plainFactColumns[0]) else {
                return (0, try !database.columnNames(of: Self.pendingRewrite, in: session).isEmpty)
            }
            let recipients = recipients ?? []
            let waiting = try session.row("SELECT 1 FROM file WHERE sealed_facts IS NULL LIMIT 1") != nil
            guard !waiting || !recipients.isEmpty else { return (0, false) }
            var sealed = 0
            while true {
                let rows = try session.rows(
                    """
                    SELECT id, original_sha256, original_size, cleaned_sha256, cleaned_size, removal_report FROM file
                    WHERE sealed_facts IS NULL ORDER BY id LIMIT 500
                    """)
                if rows.isEmpty { break }
                for row in rows {
                    let facts = FileFacts(
                        opening: nil, originalSHA256: try row.string(1), originalSize: try row.int64(2),
                        cleanedSHA256: try row.string(3), cleanedSize: try row.int64(4),
                        removalReport: try JSONDecoder().decode(RemovalReport?.self, from: Data(try row.string(5).utf8)))
                    try session.execute("UPDATE file SET sealed_facts = ? WHERE id = ?", [try facts.sealed(to: recipients), try row.int64(0)])
                    sealed += 1
                }
            }
            for statement in database.plainFactsRemoval { try session.execute(statement) }
            try session.execute("CREATE TABLE \(Self.pendingRewrite) (id INTEGER)")
            return (sealed, true)
        }
        if outcome.rewrite {
            try database.reclaimFreedSpace()
            try database.write { session in try session.execute("DROP TABLE \(Self.pendingRewrite)") }
        }
        return outcome.sealed
    }
}
