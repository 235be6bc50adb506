import Foundation

/// The metadata store: submissions, files, custody, review work and the transparency log, over any `SQLDatabase`
/// (the embedded SQLite file, or PostgreSQL shared by several server nodes).
public final class EvidenceStore: Sendable {
    public let database: any SQLDatabase

    /// The store over a migrated database. A store without files loses the plain columns of files' facts at once;
    /// one with files kept from before their facts were sealed is upgraded when it is opened with the reviewers'
    /// keys (`sealPlainFacts`).
    public init(database: any SQLDatabase) throws {
        self.database = database
        try sealPlainFacts(to: nil)
        try LogNodeFill.run(database)
    }

    /// Opens (creating and migrating if needed) the SQLite database at `url`.
    public convenience init(url: URL) throws {
        try self.init(database: try SQLiteDatabase(url: url))
    }

    /// Records several submissions (or additions) in one transaction, each in a savepoint of its own, so one that
    /// fails leaves the others; then signs one checkpoint of the log that covers them all (`sign`, given the size
    /// and root), stored in the same transaction. One durable commit for many uploads (`GroupCommitter`).
    func commit(
        _ writes: [SubmissionWrite], signingCheckpoint sign: (_ size: Int, _ root: [UInt8]) -> String?
    ) throws -> (results: [Result<[(file: FileRecord, logIndex: Int)], any Error>], checkpoint: String?) {
        try database.write { session in
            var results: [Result<[(file: FileRecord, logIndex: Int)], any Error>] = []
            for write in writes {
                try session.execute("SAVEPOINT submission_write", [])
                do {
                    results.append(.success(try Self.insert(write, in: session)))
                    try session.execute("RELEASE SAVEPOINT submission_write", [])
                } catch {
                    try session.execute("ROLLBACK TO SAVEPOINT submission_write", [])
                    try session.execute("RELEASE SAVEPOINT submission_write", [])
                    results.append(.failure(error))
                }
            }
            guard results.contains(where: { (try? $0.get()) != nil }) else { return (results, nil) }
            TestPause.at("committing")
            let range = try LogStore.compactRange(in: session)
            let checkpoint = sign(range.size, range.rootHash)
            if let checkpoint { try Self.storeCheckpoint(size: range.size, signedNote: checkpoint, in: session) }
            return (results, checkpoint)
        }
    }

    private static func insert(_ write: SubmissionWrite, in session: any SQLSession) throws -> [(file: FileRecord, logIndex: Int)] {
        switch write {
        case .new(var submission, let files):
            try submission.insert(session)
            return try insert(files, of: submission, in: session)
        case .addition(let files, let sealedMessage, let submission, let hour):
            if let sealedMessage {
                try session.execute(
                    "INSERT INTO submission_message (submission_id, sealed_message, received_hour) VALUES (?, ?, ?)",
                    [submission.id, sealedMessage, hour])
            }
            var later = submission
            later.receivedHour = hour
            return try insert(files, of: later, in: session)
        }
    }

    /// The sealed messages of a submission: the first one, then any added later.
    public func sealedMessages(submissionID: Int64) throws -> [Data] {
        try database.read { session in
            let first = try SubmissionRecord.fetch(session, id: submissionID)?.sealedMessage
            let later = try session.rows(
                "SELECT sealed_message FROM submission_message WHERE submission_id = ? ORDER BY id", [submissionID]
            ).map { try $0.data(0) }
            return (first.map { [$0] } ?? []) + later
        }
    }

    private static func insert(_ files: [FileRecord], of submission: SubmissionRecord, in session: any SQLSession) throws -> [(file: FileRecord, logIndex: Int)] {
        var stored: [(FileRecord, Int)] = []
        for var file in files {
            file.submissionID = submission.id!
            try file.insert(session)
            guard let originalCommitment = file.originalCommitment, let cleanedCommitment = file.cleanedCommitment else {
                throw CoreError.storage("a file to record has no commitments")
            }
            let entry = LogEntry.received(try LogEntry.Received(
                submissionID: submission.id!, fileID: file.id!, originalCommitment: originalCommitment,
                cleanedCommitment: cleanedCommitment, sealedSHA256: file.sealedSHA256, sealedSize: file.sealedSize,
                mediaType: file.mimeType, hour: submission.receivedHour))
            let index = try LogStore.append(entry, in: session)
            if file.originalBlobKey != nil, let sha = file.originalSealedSHA256, let size = file.originalSealedSize {
                try LogStore.append(
                    .originalKept(try LogEntry.OriginalKept(
                        fileID: file.id!, originalCommitment: originalCommitment, sealedSHA256: sha, sealedSize: size,
                        hour: submission.receivedHour)),
                    in: session)
            }
            var custody = CustodyRecord(
                fileID: file.id!, action: "received",
                detail: "scrubbed by \(file.scrubberVersion); sealed \(file.sealedSHA256)",
                actor: "server", hour: submission.receivedHour)
            try custody.insert(session)
            stored.append((file, index))
        }
        return stored
    }

    public func files(status: ReviewStatus?) throws -> [FileRecord] {
        try database.read { session in
            guard let status else { return try FileRecord.fetchAll(session, where: "1 = 1 ORDER BY id") }
            return try FileRecord.fetchAll(session, where: "status = ? ORDER BY id", [status.rawValue])
        }
    }

    public func file(id: Int64) throws -> FileRecord {
        guard let file = try database.read({ session in try FileRecord.fetch(session, id: id) }) else {
            throw CoreError.unknownFile(id)
        }
        return file
    }

    public func submission(id: Int64) throws -> SubmissionRecord? {
        try database.read { session in try SubmissionRecord.fetch(session, id: id) }
    }

    public func submission(receiptHash: Data) throws -> SubmissionRecord? {
        try database.read { session in
            try session.row("SELECT \(SubmissionRecord.columns) FROM submission WHERE receipt_hash = ?", [receiptHash])
                .map(SubmissionRecord.init(row:))
        }
    }

    public func files(inSubmission id: Int64) throws -> [FileRecord] {
        try database.read { session in try FileRecord.fetchAll(session, where: "submission_id = ? ORDER BY position", [id]) }
    }

    public func custody(fileID: Int64) throws -> [CustodyRecord] {
        try database.read { session in
            try session.rows("SELECT id, file_id, action, detail, actor, hour FROM custody WHERE file_id = ? ORDER BY id", [fileID])
                .map(CustodyRecord.init(row:))
        }
    }

    /// What the database finds damaged (SQLite's integrity check); empty when it is sound.
    public func integrityProblems() throws -> [String] {
        try database.integrityProblems()
    }

    /// Whether any file record names this blob (as its sealed copy or its kept original).
    public func referencesBlob(_ key: String) throws -> Bool {
        try database.read { session in
            try session.row("SELECT 1 FROM file WHERE blob_key = ? OR original_blob_key = ? LIMIT 1", [key, key]) != nil
        }
    }

    /// Changes a file's review status and records who did it, in one transaction.
    func decide(fileID: Int64, status: ReviewStatus, detail: String?, actor: String) throws {
        try database.write { session in
            guard var file = try FileRecord.fetch(session, id: fileID) else { throw CoreError.unknownFile(fileID) }
            // Checked inside the write transaction, so two reviewers deciding at once cannot both succeed.
            guard file.status != status else { throw CoreError.invalidReviewState("file \(fileID) is already \(status.rawValue)") }
            file.status = status
            try file.update(session)
            let hour = HourStamp.now()
            var custody = CustodyRecord(fileID: fileID, action: status.rawValue, detail: detail, actor: actor, hour: hour)
            try custody.insert(session)
            let decision: LogEntry.Decision = status == .approved ? .approve : .reject
            try LogStore.append(
                .reviewed(try LogEntry.Reviewed(fileID: fileID, decision: decision, reason: detail ?? "", actor: actor, hour: hour)),
                in: session)
        }
    }

    /// Stores a reply sealed to the submitter, with a custody entry on each file of the submission.
    func addReply(_ sealed: Data, submissionID: Int64, actor: String) throws {
        try database.write { session in
            let hour = HourStamp.now()
            try session.execute(
                "INSERT INTO submitter_reply (submission_id, sealed_reply, actor, written_hour) VALUES (?, ?, ?, ?)",
                [submissionID, sealed, actor, hour])
            for fileID in try session.int64s("SELECT id FROM file WHERE submission_id = ?", [submissionID]) {
                var custody = CustodyRecord(fileID: fileID, action: "replied", detail: "a message to the submitter", actor: actor, hour: hour)
                try custody.insert(session)
            }
        }
    }

    /// The sealed replies to a submission, oldest first, with who wrote each and the hour.
    public func sealedReplies(submissionID: Int64) throws -> [(sealed: Data, actor: String, hour: String)] {
        try database.read { session in
            try session.rows(
                "SELECT sealed_reply, actor, written_hour FROM submitter_reply WHERE submission_id = ? ORDER BY id", [submissionID]
            ).map { (try $0.data(0), try $0.string(1), try $0.string(2)) }
        }
    }

    /// Records that a reviewer exported a file: a custody entry and its log entry.
    func recordExport(fileID: Int64, detail: String, actor: String) throws {
        try database.write { session in
            let hour = HourStamp.now()
            var custody = CustodyRecord(fileID: fileID, action: "exported", detail: detail, actor: actor, hour: hour)
            try custody.insert(session)
            try LogStore.append(.exported(try LogEntry.Exported(fileID: fileID, actor: actor, hour: hour)), in: session)
        }
    }
}
