import EvidenceCrypto
import Foundation

/// A note as a reviewer reads it.
public struct Note: Sendable, Codable, Equatable {
    public let id: Int64
    /// nil: about the whole submission.
    public let fileID: Int64?
    public let text: String
    public let actor: String
    public let hour: String
}

/// Counts for `stats`.
public struct QueueStatistics: Sendable, Codable, Equatable {
    public var files = 0
    public var submissions = 0
    public var byStatus: [String: Int] = [:]
    public var byType: [String: Int] = [:]
    /// Bytes of sealed copies still stored (cleaned copies and kept originals).
    public var bytesStored: Int64 = 0
    public var purged = 0
    public var onLegalHold = 0
    /// Submissions received per day ("YYYY-MM-DD"), from their first hour.
    public var submissionsPerDay: [String: Int] = [:]
}

extension ReviewDesk {
    /// The longest note, in bytes.
    public static let maxNoteBytes = 20_000
    /// Tags are short labels: letters, digits, '-', '_' and '.', up to 40 characters.
    public static func isValidTag(_ name: String) -> Bool {
        (1...40).contains(name.count) && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// Seals `text` to every reviewer and adds it to a file (or, with `wholeSubmission`, to the file's submission).
    public func addNote(_ text: String, fileID: Int64, wholeSubmission: Bool = false, actor: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CoreError.invalidReviewState("the note is empty") }
        guard text.utf8.count <= Self.maxNoteBytes else { throw CoreError.invalidReviewState("the note is over \(Self.maxNoteBytes) bytes") }
        let recipients = try folder?.loadRecipients() ?? []
        guard !recipients.isEmpty else { throw CoreError.noRecipients(folder: folder?.recipients.path ?? "recipients/") }
        let file = try store.file(id: fileID)
        let writer = try SealedFileWriter(recipients: recipients)
        let sealed = try writer.update(Array(text.utf8)) + writer.finish()
        try store.addNote(Data(sealed), textSHA256: text, submissionID: file.submissionID, fileID: wholeSubmission ? nil : fileID, actor: actor)
    }

    /// The notes on a file's submission (its own and the submission's), decrypted with `identity`.
    public func notes(submissionID: Int64, identity: X25519PrivateKey) throws -> [Note] {
        try store.notes(submissionID: submissionID).map { record in
            let reader = SealedFileReader(identity: identity)
            let text = String(decoding: try reader.update(Array(record.sealedText)) + reader.finish(), as: UTF8.self)
            return Note(id: record.id!, fileID: record.fileID, text: text, actor: record.actor, hour: record.hour)
        }
    }

    /// Tags a file (or its whole submission); false when the tag was already there.
    @discardableResult
    public func tag(_ name: String, fileID: Int64, wholeSubmission: Bool = false, actor: String) throws -> Bool {
        guard Self.isValidTag(name) else {
            throw CoreError.invalidReviewState("'\(name)' is not a tag: use letters, digits, '-', '_' or '.', up to 40 characters")
        }
        let file = try store.file(id: fileID)
        return try store.addTag(name, submissionID: file.submissionID, fileID: wholeSubmission ? nil : fileID, actor: actor)
    }

    /// Removes a tag; false when it was not there.
    @discardableResult
    public func untag(_ name: String, fileID: Int64, wholeSubmission: Bool = false, actor: String) throws -> Bool {
        let file = try store.file(id: fileID)
        return try store.removeTag(name, submissionID: file.submissionID, fileID: wholeSubmission ? nil : fileID, actor: actor)
    }

    /// Puts the submission of `fileID` under legal hold (or lifts it).
    public func setLegalHold(_ hold: Bool, fileID: Int64, reason: String?, actor: String) throws {
        let file = try store.file(id: fileID)
        try store.setLegalHold(hold, submissionID: file.submissionID, reason: reason, actor: actor)
    }

    /// Files `purge` would delete: with `status`, received before `cutoff` (an hour stamp), not purged, not on hold.
    public func purgeCandidates(receivedBefore cutoff: String, status: ReviewStatus?) throws -> [FileRecord] {
        var query = FileQuery()
        query.status = status
        query.includePurged = false
        return try store.files(matching: query).filter { file in
            file.receivedHour < cutoff && (try? store.submission(id: file.submissionID)?.legalHold) != true
        }
    }

    /// Deletes a file's sealed copies and keeps its record, hashes and custody trail, with a "deleted" log entry.
    /// The record is marked first: a crash in between leaves a stray blob (which purging again removes), never a
    /// record claiming a copy that is gone without saying so.
    public func purge(_ file: FileRecord, reason: String, actor: String) throws {
        let marked = try store.markPurged(fileID: file.id!, reason: reason, actor: actor)
        for key in [marked.blobKey, marked.originalBlobKey].compactMap({ $0 }) where blobs.exists(key) {
            try blobs.delete(key)
        }
    }

    public func statistics() throws -> QueueStatistics {
        var stats = QueueStatistics()
        var submissions: [Int64: String] = [:]
        for file in try store.files(status: nil) {
            stats.files += 1
            stats.byStatus[file.status.rawValue, default: 0] += 1
            stats.byType[file.mimeType, default: 0] += 1
            if file.purgedHour == nil {
                stats.bytesStored += file.sealedSize + (file.originalSealedSize ?? 0)
            } else {
                stats.purged += 1
            }
            let day = String(file.receivedHour.prefix(10))
            submissions[file.submissionID] = min(submissions[file.submissionID] ?? day, day)
        }
        stats.submissions = submissions.count
        for day in submissions.values { stats.submissionsPerDay[day, default: 0] += 1 }
        stats.onLegalHold = try submissions.keys.filter { try store.submission(id: $0)?.legalHold == true }.count
        return stats
    }
}
