import Foundation

/// What a retention run would do: the files to purge, and the files as old with the same status that stay because
/// their submission is on legal hold (so the reviewer is told they were kept, not forgotten).
public struct RetentionPlan: Sendable {
    public var purge: [FileRecord] = []
    public var held: [FileRecord] = []

    /// Bytes of sealed copies the purge deletes (cleaned copies and kept originals).
    public var bytes: Int64 { purge.reduce(0) { $0 + Self.storedBytes(of: $1) } }

    public static func storedBytes(of file: FileRecord) -> Int64 {
        file.sealedSize + (file.originalSealedSize ?? 0)
    }
}

extension ReviewDesk {
    /// Files with one of `statuses`, received before `cutoff` (an hour stamp) and not yet purged: to purge, or held.
    public func retentionPlan(receivedBefore cutoff: String, statuses: [ReviewStatus]) throws -> RetentionPlan {
        var plan = RetentionPlan()
        for status in statuses {
            plan.purge += try purgeCandidates(receivedBefore: cutoff, status: status)
            var query = FileQuery()
            query.status = status
            query.includePurged = false
            plan.held += try store.files(matching: query).filter { file in
                guard file.receivedHour < cutoff else { return false }
                return try store.submission(id: file.submissionID)?.legalHold == true
            }
        }
        plan.purge.sort { $0.id! < $1.id! }
        plan.held.sort { $0.id! < $1.id! }
        return plan
    }
}
