import Foundation
import GRDB

/// The metadata store over SQLite: submissions, files, custody. WAL through a DatabasePool.
public final class EvidenceStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating and migrating if needed) the database at `url`.
    public init(url: URL) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Deleted rows are overwritten, and freed pages returned to the file system.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                try Self.createWithFullAutoVacuum(url)
            }
            pool = try DatabasePool(path: url.path, configuration: config)
            try StoreMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw CoreError.storage("database \(url.path): \(error.message ?? error.description)")
        }
        FileSystem.setConstantModificationTime(url)
    }

    /// auto_vacuum can be set only before the first table exists and not in WAL mode, so a new database
    /// is created in rollback-journal mode with it set, before the pool switches it to WAL.
    private static func createWithFullAutoVacuum(_ url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = FULL")
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
    }

    /// Records a whole submission and its log entries in one transaction; either all of it is stored or none.
    /// Returns the stored files with the log index of each one's "received" entry.
    func insert(submission: SubmissionRecord, files: [FileRecord]) throws -> [(file: FileRecord, logIndex: Int)] {
        try pool.write { db in
            var submission = submission
            try submission.insert(db)
            let stored = try Self.insert(files, of: submission, in: db)
            TestPause.at("committing")
            return stored
        }
    }

    /// Adds files and a sealed message to an existing submission, in one transaction.
    func append(files: [FileRecord], sealedMessage: Data?, to submission: SubmissionRecord, hour: String) throws -> [(file: FileRecord, logIndex: Int)] {
        try pool.write { db in
            if let sealedMessage {
                try db.execute(
                    sql: "INSERT INTO submission_message (submission_id, sealed_message, received_hour) VALUES (?, ?, ?)",
                    arguments: [submission.id, sealedMessage, hour])
            }
            var later = submission
            later.receivedHour = hour
            return try Self.insert(files, of: later, in: db)
        }
    }

    /// The sealed messages of a submission: the first one, then any added later.
    public func sealedMessages(submissionID: Int64) throws -> [Data] {
        try pool.read { db in
            let first = try SubmissionRecord.fetchOne(db, key: submissionID)?.sealedMessage
            let later = try Data.fetchAll(
                db, sql: "SELECT sealed_message FROM submission_message WHERE submission_id = ? ORDER BY id", arguments: [submissionID])
            return (first.map { [$0] } ?? []) + later
        }
    }

    private static func insert(_ files: [FileRecord], of submission: SubmissionRecord, in db: Database) throws -> [(file: FileRecord, logIndex: Int)] {
        var stored: [(FileRecord, Int)] = []
            for var file in files {
                file.submissionID = submission.id!
                try file.insert(db)
                let entry = LogEntry.received(try LogEntry.Received(
                    submissionID: submission.id!, fileID: file.id!, originalSHA256: file.originalSHA256,
                    originalSize: file.originalSize, cleanedSHA256: file.cleanedSHA256, cleanedSize: file.cleanedSize,
                    sealedSHA256: file.sealedSHA256, sealedSize: file.sealedSize, mediaType: file.mimeType,
                    hour: submission.receivedHour))
                let index = try LogStore.append(entry, in: db)
                if file.originalBlobKey != nil, let sha = file.originalSealedSHA256, let size = file.originalSealedSize {
                    try LogStore.append(
                        .originalKept(try LogEntry.OriginalKept(
                            fileID: file.id!, originalSHA256: file.originalSHA256, sealedSHA256: sha, sealedSize: size,
                            hour: submission.receivedHour)),
                        in: db)
                }
                var custody = CustodyRecord(
                    fileID: file.id!, action: "received",
                    detail: "scrubbed by \(file.scrubberVersion); sealed \(file.sealedSHA256)",
                    actor: "server", hour: submission.receivedHour)
                try custody.insert(db)
                stored.append((file, index))
            }
            return stored
    }

    public func files(status: ReviewStatus?) throws -> [FileRecord] {
        try pool.read { db in
            var request = FileRecord.order(Column("id"))
            if let status { request = request.filter(Column("status") == status.rawValue) }
            return try request.fetchAll(db)
        }
    }

    public func file(id: Int64) throws -> FileRecord {
        guard let file = try pool.read({ db in try FileRecord.fetchOne(db, key: id) }) else {
            throw CoreError.unknownFile(id)
        }
        return file
    }

    public func submission(id: Int64) throws -> SubmissionRecord? {
        try pool.read { db in try SubmissionRecord.fetchOne(db, key: id) }
    }

    public func submission(receiptHash: Data) throws -> SubmissionRecord? {
        try pool.read { db in try SubmissionRecord.filter(Column("receipt_hash") == receiptHash).fetchOne(db) }
    }

    public func files(inSubmission id: Int64) throws -> [FileRecord] {
        try pool.read { db in
            try FileRecord.filter(Column("submission_id") == id).order(Column("position")).fetchAll(db)
        }
    }

    public func custody(fileID: Int64) throws -> [CustodyRecord] {
        try pool.read { db in
            try CustodyRecord.filter(Column("file_id") == fileID).order(Column("id")).fetchAll(db)
        }
    }

    /// SQLite's `PRAGMA integrity_check` findings; empty when the database file is sound.
    public func integrityProblems() throws -> [String] {
        try pool.read { db in
            let rows = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            return rows == ["ok"] ? [] : rows
        }
    }

    /// Whether any file record names this blob (as its sealed copy or its kept original).
    public func referencesBlob(_ key: String) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM file WHERE blob_key = ? OR original_blob_key = ?)", arguments: [key, key]) ?? false
        }
    }

    /// Files whose original or cleaned SHA-256 equals this file's.
    public func duplicates(of file: FileRecord) throws -> [Int64] {
        try pool.read { db in try Self.duplicates(of: file, in: db) }
    }

    static func duplicates(of file: FileRecord, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT id FROM file WHERE id != ? AND (original_sha256 = ? OR cleaned_sha256 = ?) ORDER BY id
            """, arguments: [file.id, file.originalSHA256, file.cleanedSHA256])
    }

    /// Changes a file's review status and records who did it, in one transaction.
    func decide(fileID: Int64, status: ReviewStatus, detail: String?, actor: String) throws {
        try pool.write { db in
            guard var file = try FileRecord.fetchOne(db, key: fileID) else { throw CoreError.unknownFile(fileID) }
            // Checked inside the write transaction, so two reviewers deciding at once cannot both succeed.
            guard file.status != status else { throw CoreError.invalidReviewState("file \(fileID) is already \(status.rawValue)") }
            file.status = status
            try file.update(db)
            let hour = HourStamp.now()
            var custody = CustodyRecord(fileID: fileID, action: status.rawValue, detail: detail, actor: actor, hour: hour)
            try custody.insert(db)
            let decision: LogEntry.Decision = status == .approved ? .approve : .reject
            try LogStore.append(
                .reviewed(try LogEntry.Reviewed(fileID: fileID, decision: decision, reason: detail ?? "", actor: actor, hour: hour)),
                in: db)
        }
    }

    /// Stores a reply sealed to the submitter, with a custody entry on each file of the submission.
    func addReply(_ sealed: Data, submissionID: Int64, actor: String) throws {
        try pool.write { db in
            let hour = HourStamp.now()
            try db.execute(
                sql: "INSERT INTO submitter_reply (submission_id, sealed_reply, actor, written_hour) VALUES (?, ?, ?, ?)",
                arguments: [submissionID, sealed, actor, hour])
            for fileID in try Int64.fetchAll(db, sql: "SELECT id FROM file WHERE submission_id = ?", arguments: [submissionID]) {
                var custody = CustodyRecord(fileID: fileID, action: "replied", detail: "a message to the submitter", actor: actor, hour: hour)
                try custody.insert(db)
            }
        }
    }

    /// The sealed replies to a submission, oldest first, with the hour each was written.
    public func sealedReplies(submissionID: Int64) throws -> [(sealed: Data, hour: String)] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT sealed_reply, written_hour FROM submitter_reply WHERE submission_id = ? ORDER BY id",
                arguments: [submissionID]
            ).map { ($0["sealed_reply"], $0["written_hour"]) }
        }
    }

    /// Records that a reviewer exported a file: a custody entry and its log entry.
    func recordExport(fileID: Int64, detail: String, actor: String) throws {
        try pool.write { db in
            let hour = HourStamp.now()
            var custody = CustodyRecord(fileID: fileID, action: "exported", detail: detail, actor: actor, hour: hour)
            try custody.insert(db)
            try LogStore.append(.exported(try LogEntry.Exported(fileID: fileID, actor: actor, hour: hour)), in: db)
        }
    }

    /// A pragma's current value, for checks.
    public func pragma(_ name: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}
