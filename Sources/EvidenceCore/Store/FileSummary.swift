import Foundation
import MediaScrub

/// The columns of a file that `list` shows: a `FileRecord` without its sealed facts and blob keys, read for 100,000
/// files at a time. Its hashes and exact sizes are in the facts, which a reviewer's key opens (`facts`).
public struct FileSummary: Sendable, Equatable {
    public var id: Int64
    public var submissionID: Int64
    public var mediaType: MediaType?
    /// The sealed copy's padded size: the file's size to within about 12%.
    public var sealedSize: Int64
    public var status: ReviewStatus
    public var sealedSHA256: SHA256Text
    public var receivedHour: String
    /// The submitter asked to keep the original (`FileRecord.originalBlobKey` is set).
    public var originalKept: Bool
    public var purgedHour: String?
    /// The opened facts, when a reviewer's key has opened them (`list --key`).
    public var facts: FileFacts?

    public var mimeType: String { mediaType?.mimeType ?? "application/octet-stream" }
}

extension FileSummary {
    static let columns = """
        id, submission_id, media_type, sealed_size, status, sealed_sha256, received_hour, original_blob_key IS NOT NULL, \
        purged_hour
        """

    init(row: some SQLColumns) throws {
        id = try row.int64(0)
        submissionID = try row.int64(1)
        mediaType = try row.mediaType(2)
        sealedSize = try row.int64(3)
        status = try row.reviewStatus(4)
        sealedSHA256 = try row.sha256Text(5)
        receivedHour = try row.string(6)
        originalKept = try row.bool(7)
        purgedHour = try row.optionalString(8)
    }

    /// The summary of a full record, as the store would read it.
    public init(_ file: FileRecord) {
        id = file.id!
        submissionID = file.submissionID
        mediaType = file.mediaType
        sealedSize = file.sealedSize
        status = file.status
        sealedSHA256 = SHA256Text(file.sealedSHA256)
        receivedHour = file.receivedHour
        originalKept = file.originalBlobKey != nil
        purgedHour = file.purgedHour
        facts = file.facts
    }
}
