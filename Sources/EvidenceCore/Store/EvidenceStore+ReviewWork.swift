import Foundation

/// A reviewer's note on a submission or one of its files, sealed to the reviewers.
public struct NoteRecord: Codable, Sendable {
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
}

extension NoteRecord {
    init(row: SQLRow) throws {
        id = try row.int64(0)
        submissionID = try row.int64(1)
        fileID = try row.optionalInt64(2)
        sealedText = try row.data(3)
        actor = try row.string(4)
        hour = try row.string(5)
    }
}

/// A short label on a submission (fileID 0) or on one of its files.
public struct TagRecord: Codable, Sendable, Equatable {
    public var submissionID: Int64
    public var fileID: Int64
    public var name: String
    public var actor: String
    public var hour: String

    enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id", fileID = "file_id", name, actor, hour
    }
}

extension TagRecord {
    static let columns = "submission_id, file_id, name, actor, hour"

    init(row: SQLRow) throws {
        submissionID = try row.int64(0)
        fileID = try row.int64(1)
        name = try row.string(2)
        actor = try row.string(3)
        hour = try row.string(4)
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
        try database.read { session in try Self.files(matching: query, in: session) }
    }

    /// How many files match `query`, whatever its limit.
    public func count(matching query: FileQuery) throws -> Int {
        try database.read { session in
            let (condition, arguments) = Self.filter(query)
            return try session.row("SELECT COUNT(*) FROM file WHERE \(condition)", arguments)!.int(0)
        }
    }

    static func files(matching query: FileQuery, in session: any SQLSession) throws -> [FileRecord] {
        let (sql, arguments) = selection(query)
        return try FileRecord.fetchAll(session, where: sql, arguments)
    }

    /// What follows WHERE to select `query`'s files: condition, order and limit.
    static func selection(_ query: FileQuery) -> (String, [any SQLValueConvertible]) {
        var (sql, arguments) = filter(query)
        let direction = query.descending ? "DESC" : "ASC"
        let order: String =
            switch query.order {
            case .id: "id \(direction)"
            case .received: "received_hour \(direction), id"
            case .size: "sealed_size \(direction), id"
            // Files of unknown type (no media type) sort first, as SQLite sorts NULL; PostgreSQL is told so.
            case .type: "(media_type IS NOT NULL) \(direction), media_type \(direction), id"
            case .status: "status \(direction), id"
            }
        sql += " ORDER BY \(order)"
        if let limit = query.limit {
            sql += " LIMIT ?"
            arguments.append(limit)
        }
        return (sql, arguments)
    }

    /// The condition (after WHERE) that selects `query`'s files, without order or limit.
    private static func filter(_ query: FileQuery) -> (String, [any SQLValueConvertible]) {
        var conditions = ["1 = 1"]
        var arguments: [any SQLValueConvertible] = []
        if let status = query.status {
            conditions.append("status = ?")
            arguments.append(status.rawValue)
        }
        if !query.mediaTypes.isEmpty {
            conditions.append("media_type IN (\(sqlPlaceholders(query.mediaTypes.count)))")
            arguments += query.mediaTypes
        }
        if let from = query.receivedFrom {
            conditions.append("received_hour >= ?")
            arguments.append(from)
        }
        if let to = query.receivedTo {
            conditions.append("received_hour <= ?")
            arguments.append(to)
        }
        if !query.includePurged { conditions.append("purged_hour IS NULL") }
        if let tag = query.tag {
            conditions.append("""
                EXISTS (SELECT 1 FROM tag WHERE tag.name = ? AND tag.submission_id = file.submission_id
                        AND (tag.file_id = 0 OR tag.file_id = file.id))
                """)
            arguments.append(tag)
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    /// Adds a sealed note, with a custody entry and a log entry (the note's hash, never its text) on each file it covers.
    func addNote(_ sealed: Data, textSHA256 noteText: String, submissionID: Int64, fileID: Int64?, actor: String) throws {
        try database.write { session in
            let hour = HourStamp.now()
            let noteID = try session.row(
                "INSERT INTO note (submission_id, file_id, sealed_text, actor, hour) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [submissionID, fileID, sealed, actor, hour])!.int64(0)
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: session) {
                var custody = CustodyRecord(fileID: id, action: "note", detail: "note \(noteID)", actor: actor, hour: hour)
                try custody.insert(session)
                try LogStore.append(.noteAdded(try LogEntry.NoteAdded(fileID: id, noteText: noteText, actor: actor, hour: hour)), in: session)
            }
        }
    }

    /// The notes on a submission and its files, oldest first.
    public func notes(submissionID: Int64) throws -> [NoteRecord] {
        try database.read { session in
            try session.rows(
                "SELECT id, submission_id, file_id, sealed_text, actor, hour FROM note WHERE submission_id = ? ORDER BY id", [submissionID]
            ).map(NoteRecord.init(row:))
        }
    }

    /// Tags `name` on a submission (fileID nil) or a file; false when it was already there.
    @discardableResult
    func addTag(_ name: String, submissionID: Int64, fileID: Int64?, actor: String) throws -> Bool {
        try database.write { session in
            let hour = HourStamp.now()
            let added = try session.rows(
                "INSERT INTO tag (\(TagRecord.columns)) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING name",
                [submissionID, fileID ?? 0, name, actor, hour])
            guard !added.isEmpty else { return false }
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: session) {
                var custody = CustodyRecord(fileID: id, action: "tagged", detail: name, actor: actor, hour: hour)
                try custody.insert(session)
            }
            return true
        }
    }

    /// Removes a tag; false when it was not there.
    @discardableResult
    func removeTag(_ name: String, submissionID: Int64, fileID: Int64?, actor: String) throws -> Bool {
        try database.write { session in
            let removed = try session.rows(
                "DELETE FROM tag WHERE submission_id = ? AND file_id = ? AND name = ? RETURNING name", [submissionID, fileID ?? 0, name])
            guard !removed.isEmpty else { return false }
            let hour = HourStamp.now()
            for id in try Self.fileIDs(submissionID: submissionID, only: fileID, in: session) {
                var custody = CustodyRecord(fileID: id, action: "untagged", detail: name, actor: actor, hour: hour)
                try custody.insert(session)
            }
            return true
        }
    }

    /// Tags on a submission and its files.
    public func tags(submissionID: Int64) throws -> [TagRecord] {
        try database.read { session in try Self.tags(submissionID: submissionID, in: session) }
    }

    static func tags(submissionID: Int64, in session: any SQLSession) throws -> [TagRecord] {
        try session.rows("SELECT \(TagRecord.columns) FROM tag WHERE submission_id = ? ORDER BY file_id, name", [submissionID])
            .map(TagRecord.init(row:))
    }

    /// The tags that apply to a file: its own and its submission's.
    public func tags(of file: FileRecord) throws -> [String] {
        try tags(submissionID: file.submissionID).filter { $0.fileID == 0 || $0.fileID == file.id }.map(\.name)
    }

    /// Sets or lifts a submission's legal hold, with a custody entry on each of its files.
    func setLegalHold(_ hold: Bool, submissionID: Int64, reason: String?, actor: String) throws {
        try database.write { session in
            guard let submission = try SubmissionRecord.fetch(session, id: submissionID) else {
                throw CoreError.invalidReviewState("no submission \(submissionID)")
            }
            guard submission.legalHold != hold else { return }
            try session.execute("UPDATE submission SET legal_hold = ? WHERE id = ?", [hold, submissionID])
            let hour = HourStamp.now()
            for id in try Self.fileIDs(submissionID: submissionID, only: nil, in: session) {
                var custody = CustodyRecord(fileID: id, action: hold ? "legal-hold" : "hold-lifted", detail: reason, actor: actor, hour: hour)
                try custody.insert(session)
            }
        }
    }

    /// Records that a file's sealed copies were deleted: keeps the record and hashes, writes custody and log entries.
    /// Refuses a file under legal hold, checked inside the transaction. Returns the record as it is now, whose blob
    /// keys are the copies to delete (a grant may have moved them since the caller read the file).
    func markPurged(fileID: Int64, reason: String, actor: String) throws -> FileRecord {
        try database.write { session in
            guard var file = try FileRecord.fetch(session, id: fileID) else { throw CoreError.unknownFile(fileID) }
            guard file.purgedHour == nil else { return file }
            if try SubmissionRecord.isHeld(session, id: file.submissionID) {
                throw CoreError.invalidReviewState("file \(fileID) is under legal hold")
            }
            let hour = HourStamp.now()
            file.purgedHour = hour
            try file.update(session)
            var custody = CustodyRecord(fileID: fileID, action: "purged", detail: reason, actor: actor, hour: hour)
            try custody.insert(session)
            try LogStore.append(.deleted(try LogEntry.Deleted(fileID: fileID, reason: reason, actor: actor, hour: hour)), in: session)
            return file
        }
    }

    static func fileIDs(submissionID: Int64, only fileID: Int64?, in session: any SQLSession) throws -> [Int64] {
        if let fileID { return [fileID] }
        return try session.int64s("SELECT id FROM file WHERE submission_id = ? ORDER BY id", [submissionID])
    }
}
