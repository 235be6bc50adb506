import Foundation

extension EvidenceStore {
    /// Every reviewer key the store has a record of.
    public func reviewerKeyRecords() throws -> [ReviewerKeyRecord] {
        try database.read { session in
            try session.rows("SELECT \(ReviewerKeyRecord.columns) FROM reviewer_key ORDER BY fingerprint").map(ReviewerKeyRecord.init(row:))
        }
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
        try database.write { session in
            let existing = try session.row("SELECT \(ReviewerKeyRecord.columns) FROM reviewer_key WHERE fingerprint = ?", [fingerprint])
            let record = try decide(try existing.map(ReviewerKeyRecord.init(row:)))
            try record.save(session)
            try apply(record)
            return record
        }
    }

    /// The file's sealed facts, the sealed messages of its submission and its notes that concern `fileID` (its own
    /// and the whole submission's).
    func sealedTexts(submissionID: Int64, fileID: Int64) throws -> [(SealedText, Data)] {
        try database.read { session in
            var texts: [(SealedText, Data)] = []
            if let facts = try FileRecord.fetch(session, id: fileID)?.sealedFacts, !facts.isEmpty {
                texts.append((.facts(fileID: fileID), facts))
            }
            if let first = try SubmissionRecord.fetch(session, id: submissionID)?.sealedMessage {
                texts.append((.firstMessage(submissionID: submissionID), first))
            }
            for row in try session.rows(
                "SELECT id, sealed_message FROM submission_message WHERE submission_id = ? ORDER BY id", [submissionID]) {
                texts.append((.laterMessage(id: try row.int64(0)), try row.data(1)))
            }
            for row in try session.rows(
                "SELECT id, sealed_text FROM note WHERE submission_id = ? AND (file_id IS NULL OR file_id = ?) ORDER BY id",
                [submissionID, fileID]) {
                texts.append((.note(id: try row.int64(0)), try row.data(1)))
            }
            return texts
        }
    }

    /// Points the file at its re-wrapped copies, stores the re-wrapped texts, and adds a "granted" custody entry and
    /// one "granted" log entry per copy, all in one transaction.
    func recordGrant(_ grant: FileGrant, actor: String) throws {
        try database.write { session in
            guard var file = try FileRecord.fetch(session, id: grant.fileID) else { throw CoreError.unknownFile(grant.fileID) }
            guard file.purgedHour == nil, file.blobKey == grant.previousBlobKey, file.originalBlobKey == grant.previousOriginalBlobKey else {
                throw ReviewerKeyError.changedDuringGrant(fileID: grant.fileID)
            }
            let hour = HourStamp.now()
            if let cleaned = grant.cleaned {
                try LogStore.append(.granted(try LogEntry.Granted(
                    fileID: grant.fileID, copy: .cleaned, previousSealedSHA256: file.sealedSHA256, sealedSHA256: cleaned.sha256,
                    sealedSize: cleaned.size, recipient: grant.recipient, actor: actor, hour: hour)), in: session)
                file.blobKey = cleaned.key
                file.sealedSHA256 = cleaned.sha256
                file.sealedSize = cleaned.size
            }
            if let original = grant.original, let previous = file.originalSealedSHA256 {
                try LogStore.append(.granted(try LogEntry.Granted(
                    fileID: grant.fileID, copy: .original, previousSealedSHA256: previous, sealedSHA256: original.sha256,
                    sealedSize: original.size, recipient: grant.recipient, actor: actor, hour: hour)), in: session)
                file.originalBlobKey = original.key
                file.originalSealedSHA256 = original.sha256
                file.originalSealedSize = original.size
            }
            try file.update(session)
            for (text, sealed) in grant.texts {
                switch text {
                case .firstMessage(let submissionID):
                    try session.execute("UPDATE submission SET sealed_message = ? WHERE id = ?", [sealed, submissionID])
                case .laterMessage(let id):
                    try session.execute("UPDATE submission_message SET sealed_message = ? WHERE id = ?", [sealed, id])
                case .note(let id):
                    try session.execute("UPDATE note SET sealed_text = ? WHERE id = ?", [sealed, id])
                case .facts(let fileID):
                    try session.execute("UPDATE file SET sealed_facts = ? WHERE id = ?", [sealed, fileID])
                }
            }
            var custody = CustodyRecord(fileID: grant.fileID, action: "granted", detail: grant.recipient, actor: actor, hour: hour)
            try custody.insert(session)
        }
    }
}
