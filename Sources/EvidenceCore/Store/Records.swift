import EvidenceCrypto
import Foundation
import MediaScrub

/// One submission: the files sent together, and the sealed message that came with them.
public struct SubmissionRecord: Codable, Sendable {
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
}

extension SubmissionRecord {
    static let columns = "id, receipt_hash, received_hour, sealed_message, reply_public_key, legal_hold"

    init(row: SQLRow) throws {
        id = try row.int64(0)
        receiptHash = try row.data(1)
        receivedHour = try row.string(2)
        sealedMessage = try row.optionalData(3)
        replyPublicKey = try row.optionalData(4)
        legalHold = try row.bool(5)
    }

    /// Inserts the submission and sets its id.
    mutating func insert(_ session: any SQLSession) throws {
        id = try session.row(
            "INSERT INTO submission (receipt_hash, received_hour, sealed_message, reply_public_key, legal_hold) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [receiptHash, receivedHour, sealedMessage, replyPublicKey, legalHold])!.int64(0)
    }

    static func fetch(_ session: any SQLSession, id: Int64) throws -> SubmissionRecord? {
        try session.row("SELECT \(columns) FROM submission WHERE id = ?", [id]).map(SubmissionRecord.init(row:))
    }

    /// Whether the submission is under legal hold (false when there is no such submission), without reading its message.
    static func isHeld(_ session: any SQLSession, id: Int64) throws -> Bool {
        try session.row("SELECT legal_hold FROM submission WHERE id = ?", [id])?.bool(0) ?? false
    }
}

/// Review states of a file.
public enum ReviewStatus: String, Codable, Sendable, CaseIterable {
    case pending, approved, rejected
}

/// One received file as the store keeps it: its type, status and hour, where its sealed copy lives, and its facts
/// (hashes, sizes, removal report) sealed to the reviewers, since anything computable from the file would tell
/// whoever seizes the store that it was submitted.
public struct FileRecord: Sendable {
    public var id: Int64?
    public var submissionID: Int64
    public var position: Int
    /// nil for a file of an unknown type, stored uncleaned because the operator chose to accept such files.
    public var mediaType: MediaType?
    /// The sealed copy's size: padded (docs/FORMAT.md), so it tells the file's size only coarsely.
    public var sealedSize: Int64
    public var sealedSHA256: String
    public var scrubberVersion: String
    public var blobKey: String
    public var status: ReviewStatus
    public var receivedHour: String
    /// Set when the submitter asked to keep the original (with its metadata) as evidence too.
    public var originalBlobKey: String?
    public var originalSealedSHA256: String?
    public var originalSealedSize: Int64?
    /// When `purge` deleted the sealed copies; the record and its sealed facts stay.
    public var purgedHour: String?
    /// `FileFacts` sealed to the reviewers.
    public var sealedFacts: Data
    /// The log's commitments to the original and cleaned SHA-256 (public values); nil for files received before them.
    public var originalCommitment: String?
    public var cleanedCommitment: String?
    /// The facts in the clear: known while the file is ingested, or once a reviewer opened `sealedFacts`; never stored.
    public var facts: FileFacts?
}

extension FileRecord {
    static let columns = """
        id, submission_id, position, media_type, sealed_size, sealed_sha256, scrubber_version, blob_key, status, \
        received_hour, original_blob_key, original_sealed_sha256, original_sealed_size, purged_hour, sealed_facts, \
        original_commitment, cleaned_commitment
        """

    init(row: SQLRow) throws {
        id = try row.int64(0)
        submissionID = try row.int64(1)
        position = try row.int(2)
        mediaType = try row.mediaType(3)
        sealedSize = try row.int64(4)
        sealedSHA256 = try row.string(5)
        scrubberVersion = try row.string(6)
        blobKey = try row.string(7)
        status = try row.reviewStatus(8)
        receivedHour = try row.string(9)
        originalBlobKey = try row.optionalString(10)
        originalSealedSHA256 = try row.optionalString(11)
        originalSealedSize = try row.optionalInt64(12)
        purgedHour = try row.optionalString(13)
        sealedFacts = try row.optionalData(14) ?? Data()
        originalCommitment = try row.optionalString(15)
        cleanedCommitment = try row.optionalString(16)
    }

    /// The values of every column but the id, in `columns` order.
    private var values: [any SQLValueConvertible] {
        [
            submissionID, position, mediaType?.rawValue, sealedSize, sealedSHA256, scrubberVersion, blobKey, status.rawValue,
            receivedHour, originalBlobKey, originalSealedSHA256, originalSealedSize, purgedHour, sealedFacts,
            originalCommitment, cleanedCommitment,
        ]
    }

    /// Every column but the id, as `values` gives them.
    private static let writtenColumns = columns.split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
    private static let insertSQL =
        "INSERT INTO file (\(writtenColumns.joined(separator: ", "))) VALUES (\(sqlPlaceholders(writtenColumns.count))) RETURNING id"
    private static let updateSQL = "UPDATE file SET \(writtenColumns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Inserts the file and sets its id.
    mutating func insert(_ session: any SQLSession) throws {
        id = try session.row(Self.insertSQL, values)!.int64(0)
    }

    /// Writes every column of the stored file back.
    func update(_ session: any SQLSession) throws {
        try session.execute(Self.updateSQL, values + [id!])
    }

    static func fetch(_ session: any SQLSession, id: Int64) throws -> FileRecord? {
        try session.row("SELECT \(columns) FROM file WHERE id = ?", [id]).map(FileRecord.init(row:))
    }

    /// Files by a condition and order written in SQL after WHERE.
    static func fetchAll(_ session: any SQLSession, where condition: String, _ arguments: [any SQLValueConvertible] = []) throws -> [FileRecord] {
        try session.rows("SELECT \(columns) FROM file WHERE \(condition)", arguments).map(FileRecord.init(row:))
    }

    /// The record with its facts opened by a reviewer's key.
    public func opened(with identity: X25519PrivateKey) throws -> FileRecord {
        var file = self
        file.facts = try FileFacts(opening: sealedFacts, with: identity)
        return file
    }

    public var mimeType: String { mediaType?.mimeType ?? "application/octet-stream" }
    public var typeName: String { mediaType?.displayName ?? "file of an unknown type (not cleaned)" }
    public var fileExtension: String { mediaType?.fileExtension ?? "bin" }
}

/// The custody trail: every hand a file passed through.
public struct CustodyRecord: Codable, Sendable {
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
}

extension CustodyRecord {
    init(row: SQLRow) throws {
        id = try row.int64(0)
        fileID = try row.int64(1)
        action = try row.string(2)
        detail = try row.optionalString(3)
        actor = try row.string(4)
        hour = try row.string(5)
    }

    /// Inserts the entry and sets its id.
    mutating func insert(_ session: any SQLSession) throws {
        id = try session.row(
            "INSERT INTO custody (file_id, action, detail, actor, hour) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [fileID, action, detail, actor, hour])!.int64(0)
    }
}

/// Columns that hold a file's type and review status, as `FileRecord` and `FileSummary` read them.
extension SQLColumns {
    /// A media type's name, or NULL for a file stored uncleaned.
    func mediaType(_ column: Int) throws -> MediaType? {
        try optionalString(column).map { name in
            guard let type = MediaType(rawValue: name) else { throw SQLRowError.unexpected(column, .text(name), "a media type") }
            return type
        }
    }

    func reviewStatus(_ column: Int) throws -> ReviewStatus {
        let name = try string(column)
        guard let status = ReviewStatus(rawValue: name) else { throw SQLRowError.unexpected(column, .text(name), "a status") }
        return status
    }
}
