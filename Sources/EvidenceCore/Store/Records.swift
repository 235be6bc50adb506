import Foundation
import GRDB
import MediaScrub

/// One submission: the files sent together, and the sealed message that came with them.
public struct SubmissionRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "submission"
    public var id: Int64?
    /// HMAC-SHA256 of the receipt code under the server's receipt key; the code itself is never stored.
    public var receiptHash: Data
    public var receivedHour: String
    /// The submitter's message sealed to the reviewers, or nil when none was written.
    public var sealedMessage: Data?
    /// The X25519 public key that reviewers' replies are sealed to; its private key is derived from the receipt
    /// code (`SubmitterReplyKey`), so only someone holding the code can read them. Nil for older submissions.
    public var replyPublicKey: Data?
    /// A legal hold: `purge` never touches this submission's files.
    public var legalHold = false

    enum CodingKeys: String, CodingKey {
        case id, receiptHash = "receipt_hash", receivedHour = "received_hour", sealedMessage = "sealed_message"
        case replyPublicKey = "reply_public_key", legalHold = "legal_hold"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Review states of a file.
public enum ReviewStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending, approved, rejected
}

/// One received file: its hashes, the removal report and where its sealed copy lives.
public struct FileRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "file"
    public var id: Int64?
    public var submissionID: Int64
    public var position: Int
    /// nil for a file of an unknown type, stored uncleaned because the operator chose to accept such files.
    public var mediaType: MediaType?
    public var originalSize: Int64
    public var cleanedSize: Int64
    public var sealedSize: Int64
    public var originalSHA256: String
    public var cleanedSHA256: String
    public var sealedSHA256: String
    /// JSON of the scrubber's `RemovalReport`.
    public var removalReport: String
    public var scrubberVersion: String
    public var blobKey: String
    public var status: ReviewStatus
    public var receivedHour: String
    /// Set when the submitter asked to keep the original (with its metadata) as evidence too.
    public var originalBlobKey: String?
    public var originalSealedSHA256: String?
    public var originalSealedSize: Int64?
    /// When `purge` deleted the sealed copies; the hashes and the record stay.
    public var purgedHour: String?

    enum CodingKeys: String, CodingKey {
        case id, submissionID = "submission_id", position, mediaType = "media_type"
        case originalSize = "original_size", cleanedSize = "cleaned_size", sealedSize = "sealed_size"
        case originalSHA256 = "original_sha256", cleanedSHA256 = "cleaned_sha256", sealedSHA256 = "sealed_sha256"
        case removalReport = "removal_report", scrubberVersion = "scrubber_version", blobKey = "blob_key"
        case status, receivedHour = "received_hour"
        case originalBlobKey = "original_blob_key", originalSealedSHA256 = "original_sealed_sha256"
        case originalSealedSize = "original_sealed_size", purgedHour = "purged_hour"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    public func decodedReport() -> RemovalReport? {
        try? JSONDecoder().decode(RemovalReport.self, from: Data(removalReport.utf8))
    }

    public var mimeType: String { mediaType?.mimeType ?? "application/octet-stream" }
    public var typeName: String { mediaType?.displayName ?? "file of an unknown type (not cleaned)" }
    public var fileExtension: String { mediaType?.fileExtension ?? "bin" }
}

/// The custody trail: every hand a file passed through.
public struct CustodyRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "custody"
    public var id: Int64?
    public var fileID: Int64
    public var action: String
    public var detail: String?
    /// Who did it: "server" for ingest, otherwise the reviewer's name.
    public var actor: String
    public var hour: String

    enum CodingKeys: String, CodingKey {
        case id, fileID = "file_id", action, detail, actor, hour
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension MediaType: DatabaseValueConvertible {}
