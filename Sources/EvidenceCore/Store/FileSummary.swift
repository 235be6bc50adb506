import Foundation
import MediaScrub

/// The columns of a file that `list` shows: a `FileRecord` without the removal report, blob keys and sizes it does
/// not need, read for 100,000 files at a time.
public struct FileSummary: Sendable, Equatable {
    public var id: Int64
    public var submissionID: Int64
    public var mediaType: MediaType?
    public var originalSize: Int64
    public var cleanedSize: Int64
    public var status: ReviewStatus
    public var originalSHA256: SHA256Text
    public var cleanedSHA256: SHA256Text
    public var sealedSHA256: SHA256Text
    public var receivedHour: String
    /// The submitter asked to keep the original (`FileRecord.originalBlobKey` is set).
    public var originalKept: Bool
    public var purgedHour: String?

    public var mimeType: String { mediaType?.mimeType ?? "application/octet-stream" }
}

extension FileSummary {
    static let columns = """
        id, submission_id, media_type, original_size, cleaned_size, status, original_sha256, cleaned_sha256, \
        sealed_sha256, received_hour, original_blob_key IS NOT NULL, purged_hour
        """

    init(row: some SQLColumns) throws {
        id = try row.int64(0)
        submissionID = try row.int64(1)
        mediaType = try row.mediaType(2)
        originalSize = try row.int64(3)
        cleanedSize = try row.int64(4)
        status = try row.reviewStatus(5)
        originalSHA256 = try row.sha256Text(6)
        cleanedSHA256 = try row.sha256Text(7)
        sealedSHA256 = try row.sha256Text(8)
        receivedHour = try row.string(9)
        originalKept = try row.bool(10)
        purgedHour = try row.optionalString(11)
    }

    /// The summary of a full record, as the store would read it.
    public init(_ file: FileRecord) {
        id = file.id!
        submissionID = file.submissionID
        mediaType = file.mediaType
        originalSize = file.originalSize
        cleanedSize = file.cleanedSize
        status = file.status
        originalSHA256 = SHA256Text(file.originalSHA256)
        cleanedSHA256 = SHA256Text(file.cleanedSHA256)
        sealedSHA256 = SHA256Text(file.sealedSHA256)
        receivedHour = file.receivedHour
        originalKept = file.originalBlobKey != nil
        purgedHour = file.purgedHour
    }
}
