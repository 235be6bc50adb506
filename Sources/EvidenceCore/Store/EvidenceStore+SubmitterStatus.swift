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
        try database.read { session in
            let files = try FileRecord.fetchAll(session, where: "submission_id = ? ORDER BY position", [submissionID])
            let started = Set(try session.int64s(
                """
                SELECT DISTINCT custody.file_id FROM custody JOIN file ON file.id = custody.file_id
                WHERE file.submission_id = ? AND custody.action IN (\(sqlPlaceholders(Self.reviewWorkActions.count)))
                """,
                [submissionID] + Self.reviewWorkActions))
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
