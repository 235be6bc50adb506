import Foundation
import GRDB

extension EvidenceStore {
    /// Every reviewer key the store has a record of.
    public func reviewerKeyRecords() throws -> [ReviewerKeyRecord] {
        try pool.read { db in try ReviewerKeyRecord.order(Column("fingerprint")).fetchAll(db) }
    }

    /// The fingerprint of the one unrevoked key recorded under `name`; nil when there is none, or several.
    public func activeReviewerFingerprint(named name: String) throws -> String? {
        let matches = try reviewerKeyRecords().filter { $0.name == name && $0.revokedHour == nil }
        return matches.count == 1 ? matches[0].fingerprint : nil
    }

    /// In one write transaction: `decide` checks and returns the key's new record, which is saved, then `apply`
    /// changes recipients/ to match it. If either throws nothing is saved; the transaction also serialises reviewers.
    func changeReviewerKey(
        fingerprint: String, _ decide: (ReviewerKeyRecord?) throws -> ReviewerKeyRecord,
        applying apply: (ReviewerKeyRecord) throws -> Void
    ) throws -> ReviewerKeyRecord {
        try pool.write { db in
            let record = try decide(try ReviewerKeyRecord.fetchOne(db, key: fingerprint))
            try record.save(db)
            try apply(record)
            return record
        }
    }

    /// The sealed messages of a submission and its notes that concern `fileID` (its own and the whole submission's).
    func sealedTexts(submissionID: Int64, fileID: Int64) throws -> [(SealedText, Data)] {
        try pool.read { db in
            var texts: [(SealedText, Data)] = []
            if let first = try Data.fetchOne(db, sql: "SELECT sealed_message FROM submission WHERE id = ?", arguments: [submissionID]) {
                texts.append((.firstMessage(submissionID: submissionID), first))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, sealed_message FROM submission_message WHERE submission_id = ? ORDER BY id", arguments: [submissionID]) {
                texts.append((.laterMessage(id: row[0]), row[1]))
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT id, sealed_text FROM note WHERE submission_id = ? AND (file_id IS NULL OR file_id = ?) ORDER BY id",
                arguments: [submissionID, fileID]) {
                texts.append((.note(id: row[0]), row[1]))
            }
            return texts
        }
    }

    /// Points the file at its re-wrapped copies, stores the re-wrapped texts, and adds a "granted" custody entry and
    /// one "granted" log entry per copy, all in one transaction.
    func recordGrant(_ grant: FileGrant, actor: String) throws {
        try pool.write { db in
            guard var file = try FileRecord.fetchOne(db, key: grant.fileID) else { throw CoreError.unknownFile(grant.fileID) }
            guard file.purgedHour == nil, file.blobKey == grant.previousBlobKey, file.originalBlobKey == grant.previousOriginalBlobKey else {
                throw ReviewerKeyError.changedDuringGrant(fileID: grant.fileID)
            }
            let hour = HourStamp.now()
            if let cleaned = grant.cleaned {
                try LogStore.append(.granted(try LogEntry.Granted(
                    fileID: grant.fileID, copy: .cleaned, previousSealedSHA256: file.sealedSHA256, sealedSHA256: cleaned.sha256,
                    sealedSize: cleaned.size, recipient: grant.recipient, actor: actor, hour: hour)), in: db)
                file.blobKey = cleaned.key
                file.sealedSHA256 = cleaned.sha256
                file.sealedSize = cleaned.size
            }
            if let original = grant.original, let previous = file.originalSealedSHA256 {
                try LogStore.append(.granted(try LogEntry.Granted(
                    fileID: grant.fileID, copy: .original, previousSealedSHA256: previous, sealedSHA256: original.sha256,
                    sealedSize: original.size, recipient: grant.recipient, actor: actor, hour: hour)), in: db)
                file.originalBlobKey = original.key
                file.originalSealedSHA256 = original.sha256
                file.originalSealedSize = original.size
            }
            try file.update(db)
            for (text, sealed) in grant.texts {
                switch text {
                case .firstMessage(let submissionID):
                    try db.execute(sql: "UPDATE submission SET sealed_message = ? WHERE id = ?", arguments: [sealed, submissionID])
                case .laterMessage(let id):
                    try db.execute(sql: "UPDATE submission_message SET sealed_message = ? WHERE id = ?", arguments: [sealed, id])
                case .note(let id):
                    try db.execute(sql: "UPDATE note SET sealed_text = ? WHERE id = ?", arguments: [sealed, id])
                }
            }
            var custody = CustodyRecord(fileID: grant.fileID, action: "granted", detail: grant.recipient, actor: actor, hour: hour)
            try custody.insert(db)
        }
    }
}
