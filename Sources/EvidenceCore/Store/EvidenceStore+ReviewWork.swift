import Foundation
import GRDB

/// A reviewer's note on a submission or one of its files, sealed to the reviewers.
public struct NoteRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "note"
    public var id: Int64?
    public var submissionID: Int64
    /// nil: about the whole submission.
    public var fileID: Int64?
    public var sealedText: Data
    public var actor: String
    public var hour: String

    enum CodingKeys: String, CodingKey {
        case id, submissionID = "submission_id", fileID = "file_id", sealedText = "sealed_text", actor, hour
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A short label on a submission (fileID 0) or on one of its files.
public struct TagRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "tag"
    public var submissionID: Int64
    public var fileID: Int64
    public var name: String
    public var actor: String
    public var hour: String

    enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id", fileID = "file_id", name, actor, hour
    }
}

/// Which files `list` shows, and in which order.
public struct FileQuery: Sendable {
    public enum Order: String, Sendable, CaseIterable { case id, received, size, type, status }
    public var status: ReviewStatus?
    public var mediaTypes: [String] = []
    /// Inclusive bounds on the received hour, compared as "YYYY-MM-DDTHH:00Z" strings.
    public var receivedFrom: String?
    public var receivedTo: String?
    public var tag: String?
    public var order: Order = .id
    public var descending = false
    public var includePurged = true
    /// At most this many files (after the order); nil for all.
    public var limit: Int?

    public init() {}
}

extension EvidenceStore {
    /// Files matching `query`.
    public func files(matching query: FileQuery) throws -> [FileRecord] {
        try pool.read { db in try Self.files(matching: query, in: db) }
    }

    /// How many files match `query`, whatever its limit.
    public func count(matching query: FileQuery) throws -> Int {
        try pool.read { db in try Self.filtered(query).fetchCount(db) }
    }

    static func files(matching query: FileQuery, in db: Database) throws -> [FileRecord] {
        var request = filtered(query)
        let column: Column =
            switch query.order {
            case .id: Column("id")
            case .received: Column("received_hour")
            case .size: Column("original_size")
            case .type: Column("media_type")
            case .status: Column("status")
            }
        request = request.order(query.descending ? column.desc : column.asc, Column("id").asc)
        if let limit = query.limit { request = request.limit(limit) }
        return try request.fetchAll(db)
    }

    /// The files `query` selects, in no particular order and without its limit.
    private static func filtered(_ query: FileQuery) -> QueryInterfaceRequest<FileRecord> {
        var request = FileRecord.all()
        if let status = query.status { request = request.filter(Column("status") == status.rawValue) }
        if !query.mediaTypes.isEmpty { request = request.filter(query.mediaTypes.contains(Column("media_type"))) }
        if let from = query.receivedFrom { request = request.filter(Column("received_hour") >= from) }
        if let to = query.receivedTo { request = request.filter(Column("received_hour") <= to) }
        if !query.includePurged { request = request.filter(Column("purged_hour") == nil) }
        if let tag = query.tag {
            request = request.filter(sql: """
                EXISTS (SELECT 1 FROM tag WHERE tag.name = ? AND tag.submission_id = file.submission_id
                        AND (tag.file_id = 0 OR tag.file_id = file.id))
                """, arguments: [tag])
        }
        return request
    }

    /// Adds a sealed note, with a custody entry and a log entry (the note's hash, never its text) on each file it covers.
    func addNote(_ sealed: Data, textSHA256 noteText: String, submissionID: Int64, fileID: Int64?, actor: String) throws {
        try pool.write { db in
            let hour = HourStamp.now()
            var note = NoteRecord(submissionID: submissionID, fileID: fileID, sealedText: sealed, actor: actor, hour: hour)
            try note.insert(db)
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: db) {
                var custody = CustodyRecord(fileID: id, action: "note", detail: "note \(note.id!)", actor: actor, hour: hour)
                try custody.insert(db)
                try LogStore.append(.noteAdded(try LogEntry.NoteAdded(fileID: id, noteText: noteText, actor: actor, hour: hour)), in: db)
            }
        }
    }

    /// The notes on a submission and its files, oldest first.
    public func notes(submissionID: Int64) throws -> [NoteRecord] {
        try pool.read { db in try NoteRecord.filter(Column("submission_id") == submissionID).order(Column("id")).fetchAll(db) }
    }

    /// Tags `name` on a submission (fileID nil) or a file; false when it was already there.
    @discardableResult
    func addTag(_ name: String, submissionID: Int64, fileID: Int64?, actor: String) throws -> Bool {
        try pool.write { db in
            let hour = HourStamp.now()
            let tag = TagRecord(submissionID: submissionID, fileID: fileID ?? 0, name: name, actor: actor, hour: hour)
            try tag.insert(db, onConflict: .ignore)
            guard db.changesCount == 1 else { return false }
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: db) {
                var custody = CustodyRecord(fileID: id, action: "tagged", detail: name, actor: actor, hour: hour)
                try custody.insert(db)
            }
            return true
        }
    }

    /// Removes a tag; false when it was not there.
    @discardableResult
    func removeTag(_ name: String, submissionID: Int64, fileID: Int64?, actor: String) throws -> Bool {
        try pool.write { db in
            let key: [String: (any DatabaseValueConvertible)?] = ["submission_id": submissionID, "file_id": fileID ?? 0, "name": name]
            guard try TagRecord.deleteOne(db, key: key) else { return false }
            let hour = HourStamp.now()
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: db) {
                var custody = CustodyRecord(fileID: id, action: "untagged", detail: name, actor: actor, hour: hour)
                try custody.insert(db)
            }
            return true
        }
    }

    /// Tags on a submission and its files.
    public func tags(submissionID: Int64) throws -> [TagRecord] {
        try pool.read { db in
            try TagRecord.filter(Column("submission_id") == submissionID).order(Column("file_id"), Column("name")).fetchAll(db)
        }
    }

    /// The tags that apply to a file: its own and its submission's.
    public func tags(of file: FileRecord) throws -> [String] {
        try tags(submissionID: file.submissionID).filter { $0.fileID == 0 || $0.fileID == file.id }.map(\.name)
    }

    /// Sets or lifts a submission's legal hold, with a custody entry on each of its files.
    func setLegalHold(_ hold: Bool, submissionID: Int64, reason: String?, actor: String) throws {
        try pool.write { db in
            guard var submission = try SubmissionRecord.fetchOne(db, key: submissionID) else {
                throw CoreError.invalidReviewState("no submission \(submissionID)")
            }
            guard submission.legalHold != hold else { return }
            submission.legalHold = hold
            try submission.update(db)
            let hour = HourStamp.now()
            for id in try Self.fileIDs(submissionID: submissionID, only: nil, in: db) {
                var custody = CustodyRecord(fileID: id, action: hold ? "legal-hold" : "hold-lifted", detail: reason, actor: actor, hour: hour)
                try custody.insert(db)
            }
        }
    }

    /// Records that a file's sealed copies were deleted: keeps the record and hashes, writes custody and log entries.
    /// Refuses a file under legal hold, checked inside the transaction. Returns the record as it is now, whose blob
    /// keys are the copies to delete (a grant may have moved them since the caller read the file).
    func markPurged(fileID: Int64, reason: String, actor: String) throws -> FileRecord {
        try pool.write { db in
            guard var file = try FileRecord.fetchOne(db, key: fileID) else { throw CoreError.unknownFile(fileID) }
            guard file.purgedHour == nil else { return file }
            if try Bool.fetchOne(db, sql: "SELECT legal_hold FROM submission WHERE id = ?", arguments: [file.submissionID]) == true {
                throw CoreError.invalidReviewState("file \(fileID) is under legal hold")
            }
            let hour = HourStamp.now()
            file.purgedHour = hour
            try file.update(db)
            var custody = CustodyRecord(fileID: fileID, action: "purged", detail: reason, actor: actor, hour: hour)
            try custody.insert(db)
            try LogStore.append(.deleted(try LogEntry.Deleted(fileID: fileID, reason: reason, actor: actor, hour: hour)), in: db)
            return file
        }
    }

    static func fileIDs(submissionID: Int64, only fileID: Int64?, in db: Database) throws -> [Int64] {
        if let fileID { return [fileID] }
        return try Int64.fetchAll(db, sql: "SELECT id FROM file WHERE submission_id = ? ORDER BY id", arguments: [submissionID])
    }
}
