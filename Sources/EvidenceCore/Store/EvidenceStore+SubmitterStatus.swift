import GRDB

/// Where a file stands as its submitter sees it on the status page.
public enum SubmitterStatus: String, Sendable, CaseIterable {
    /// Stored; no reviewer has worked on it yet.
    case pending
    /// Still undecided, but a reviewer has started on it (exported it, wrote a note, tagged it, replied to the
    /// submitter or put the submission under legal hold).
    case inReview = "in_review"
    case approved
    case rejected
}

extension EvidenceStore {
    /// Custody actions by which a reviewer starts work on a file.
    static let reviewWorkActions = ["exported", "note", "tagged", "replied", "legal-hold"]

    /// The files of a submission in order, each with its status as the submitter sees it.
    public func submitterStatuses(submissionID: Int64) throws -> [(file: FileRecord, status: SubmitterStatus)] {
        try pool.read { db in
            let files = try FileRecord.filter(Column("submission_id") == submissionID).order(Column("position")).fetchAll(db)
            let started = Set(try Int64.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT custody.file_id FROM custody JOIN file ON file.id = custody.file_id
                    WHERE file.submission_id = ? AND custody.action IN (\(Self.reviewWorkActions.map { _ in "?" }.joined(separator: ",")))
                    """,
                arguments: StatementArguments([submissionID] + Self.reviewWorkActions)))
            return files.map { file in
                switch file.status {
                case .approved: (file, .approved)
                case .rejected: (file, .rejected)
                case .pending: (file, started.contains(file.id!) ? .inReview : .pending)
                }
            }
        }
    }
}
