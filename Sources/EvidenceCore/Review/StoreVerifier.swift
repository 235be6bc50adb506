import EvidenceCrypto
import Foundation

/// One thing that does not hold, named precisely: which file, entry or checkpoint, and which check.
public struct VerificationProblem: Sendable, CustomStringConvertible, Equatable {
    public let subject: String
    public let problem: String

    public var description: String { "\(subject): \(problem)" }
}

/// What `evidence-review verify` found.
public struct VerificationReport: Sendable {
    public var problems: [VerificationProblem] = []
    public var filesChecked = 0
    public var entriesChecked = 0
    public var checkpointsChecked = 0
    public var decryptedChecked = 0

    public var isClean: Bool { problems.isEmpty }
}

/// Re-reads every sealed blob and the whole log and checks them against each other and the database.
public struct StoreVerifier {
    public let desk: ReviewDesk
    public let log: TransparencyLog

    public init(desk: ReviewDesk, log: TransparencyLog) {
        self.desk = desk
        self.log = log
    }

    /// Runs every check; with an identity also opens each file's sealed facts, checks them against the log's
    /// commitments, and decrypts each file and checks its cleaned SHA-256.
    /// `progress` gets (done, total) as files are checked.
    public func run(identity: X25519PrivateKey?, progress: (Int, Int) -> Void = { _, _ in }) throws -> VerificationReport {
        var report = VerificationReport()
        let store = desk.store
        // SQLite's own check first: a damaged page is named here rather than surfacing as a confusing error below.
        for problem in try store.integrityProblems() {
            report.problems.append(.init(subject: "database", problem: problem))
        }
        // Then the checkpoints, and their signatures checked (one Ed25519 verification each, most of verify's
        // work) on a thread of their own while the log and the files are read, so no core waits. Read before the
        // entries, every checkpoint is covered by them even while the server goes on appending.
        let stored = try store.storedCheckpoints()
        let verifier = log.verifierKey
        let signatures = BackgroundValue(name: "checkpoint signatures") {
            stored.map(\.signedNote).concurrentMap { note in
                Result { () throws(CheckpointError) -> Checkpoint in try Checkpoint.verify(note, verifier: verifier) }
            }
        }
        let entries = try store.logEntries()
        // In log order: entries are read up to the first gap, so their indexes only grow.
        var decoded: [(index: Int, entry: LogEntry)] = []
        var leafHashes: [[UInt8]] = []
        // Each entry's hash and decoding stand alone, so they run on every core; the findings follow in log order.
        let reread = entries.concurrentMap { entry in
            (leafHash: MerkleTree.leafHash(entry.bytes), entry: Result { () throws(LogEntryError) in try LogEntry(decoding: entry.bytes) })
        }
        for (position, (entry, (recomputed, parsed))) in zip(entries, reread).enumerated() {
            report.entriesChecked += 1
            let subject = "log entry \(entry.index)"
            if entry.index != position {
                report.problems.append(.init(subject: "log entry \(position)", problem: "missing: the log has a gap (entries were removed)"))
                break
            }
            if recomputed != entry.leafHash {
                report.problems.append(.init(subject: subject, problem: "its stored leaf hash does not match its bytes"))
            }
            leafHashes.append(recomputed)
            do {
                decoded.append((entry.index, try parsed.get()))
            } catch {
                report.problems.append(.init(subject: subject, problem: "is not a valid entry: \(error)"))
            }
        }
        // The checkpoints' findings come after the entries' in the report, though they are known only at the end.
        let checkpointFindingsAt = report.problems.count

        let files = try store.files(status: nil)
        let fileIDs = Set(files.compactMap(\.id))
        // Each file's entries in log order, grouped in one pass rather than searched for per file.
        var entriesByFile: [Int64: [LogEntry]] = [:]
        for (index, entry) in decoded {
            entriesByFile[entry.fileID, default: []].append(entry)
            guard !fileIDs.contains(entry.fileID) else { continue }
            if case .deleted = entry { continue }
            report.problems.append(.init(subject: "log entry \(index)", problem: "names file \(entry.fileID), which is not in the database"))
        }
        let checker = SealedBlobChecker(blobs: desk.blobs, identity: identity)
        // A batch's blobs are read on every core at once; their findings then join the report in file order.
        for batchStart in stride(from: 0, to: files.count, by: Self.batchSize) {
            let batch = Array(files[batchStart..<min(batchStart + Self.batchSize, files.count)])
            let outcomes = batch.concurrentMap { file in
                let facts = identity.map { identity in Result { try FileFacts(opening: file.sealedFacts, with: identity) } }
                return (facts, Self.blobChecks(of: file, facts: try? facts?.get()).map(checker.check))
            }
            for (offset, (file, (facts, blobOutcomes))) in zip(batch, outcomes).enumerated() {
                report.filesChecked += 1
                checkFile(file, facts: facts, entries: entriesByFile[file.id!] ?? [], blobs: blobOutcomes, into: &report)
                progress(batchStart + offset + 1, files.count)
            }
        }
        var checkpoints = VerificationReport()
        checkCheckpoints(stored, signatures: signatures.value, leafHashes: leafHashes, into: &checkpoints)
        try checkInteriorHashes(leafHashes, into: &checkpoints)
        report.problems.insert(contentsOf: checkpoints.problems, at: checkpointFindingsAt)
        report.checkpointsChecked = checkpoints.checkpointsChecked
        return report
    }

    /// Files per batch: enough to keep every core busy, few enough for the progress to move smoothly.
    private static let batchSize = 256

    /// The sealed copies of a file still to be read: none once purged, the kept original after the cleaned copy.
    private static func blobChecks(of file: FileRecord, facts: FileFacts?) -> [SealedBlobCheck] {
        guard file.purgedHour == nil else { return [] }
        var checks = [SealedBlobCheck(
            subject: "file \(file.id!)", key: file.blobKey, sealedSHA256: file.sealedSHA256, sealedSize: file.sealedSize,
            plainSHA256: facts?.cleanedSHA256)]
        if let key = file.originalBlobKey, let sealed = file.originalSealedSHA256 {
            checks.append(SealedBlobCheck(
                subject: "file \(file.id!) (kept original)", key: key, sealedSHA256: sealed, sealedSize: file.originalSealedSize,
                plainSHA256: facts?.originalSHA256))
        }
        return checks
    }

    /// One file against its log entries, with its opened facts (given a key) and what reading its blobs found.
    private func checkFile(
        _ file: FileRecord, facts: Result<FileFacts, any Error>?, entries fileEntries: [LogEntry], blobs: [SealedBlobChecker.Outcome],
        into report: inout VerificationReport
    ) {
        checkAgainstLog(file, entries: fileEntries, into: &report)
        switch facts {
        case .success(let facts): checkFacts(facts, of: file, entries: fileEntries, into: &report)
        case .failure(let error): report.problems.append(.init(subject: "file \(file.id!)", problem: "its sealed facts do not open: \(error)"))
        case nil: break
        }
        for outcome in blobs {
            report.problems += outcome.problems
            if outcome.decrypted { report.decryptedChecked += 1 }
        }
        if file.purgedHour != nil {
            // Purged on purpose: the hashes stay, the sealed copies are gone, and the log must say so.
            if !fileEntries.contains(where: { if case .deleted = $0 { true } else { false } }) {
                report.problems.append(.init(subject: "file \(file.id!)", problem: "is marked purged but the log has no 'deleted' entry"))
            }
            return
        }
        guard file.originalBlobKey != nil, let sealed = file.originalSealedSHA256 else { return }
        let kept = fileEntries.lazy.compactMap { entry -> (sha256: String, size: Int64)? in
            switch entry {
            case .originalKept(let e): (e.sealedSHA256, e.sealedSize)
            case .originalKeptV1(let e): (e.sealedSHA256, e.sealedSize)
            default: nil
            }
        }.first
        guard let kept else {
            report.problems.append(.init(subject: "file \(file.id!)", problem: "its kept original has no matching 'original-kept' log entry"))
            return
        }
        let logged = sealedCopy(.original, from: kept, entries: fileEntries, file: file, into: &report)
        if logged.sha256 != sealed {
            report.problems.append(.init(
                subject: "file \(file.id!)",
                problem: "its kept original's sealed SHA-256 in the database (\(sealed)) differs from its log entries (\(logged.sha256))"))
        }
        if let size = file.originalSealedSize, logged.size != size {
            report.problems.append(.init(
                subject: "file \(file.id!)",
                problem: "its kept original's sealed size in the database (\(size)) differs from its log entries (\(logged.size))"))
        }
    }

    /// Checkpoints come smallest first, so one compact range walks the leaves once and gives the root at every
    /// checkpointed size on the way (each root O(log n)), instead of a tree built per checkpoint.
    private func checkCheckpoints(
        _ stored: [(size: Int, signedNote: String)], signatures verified: [Result<Checkpoint, CheckpointError>], leafHashes: [[UInt8]],
        into report: inout VerificationReport
    ) {
        var range = CompactRange()
        for ((size, _), signature) in zip(stored, verified) {
            report.checkpointsChecked += 1
            let subject = "checkpoint of size \(size)"
            let checkpoint: Checkpoint
            do {
                checkpoint = try signature.get()
            } catch {
                report.problems.append(.init(subject: subject, problem: "its signature does not verify with the log key (forged or altered): \(error)"))
                continue
            }
            guard checkpoint.size == size else {
                report.problems.append(.init(subject: subject, problem: "the signed note is for size \(checkpoint.size)"))
                continue
            }
            guard size <= leafHashes.count else {
                report.problems.append(.init(subject: subject, problem: "the log now has only \(leafHashes.count) entries (entries were removed)"))
                continue
            }
            while range.size < size { range.append(leafHashes[range.size]) }
            if range.rootHash != checkpoint.rootHash {
                report.problems.append(.init(subject: subject, problem: "its root hash does not match the log's entries (entries were rewritten)"))
            }
        }
    }

    /// What the store keeps in the clear against the file's 'received' entry: commitments, sealed copy, type, status.
    private func checkAgainstLog(_ file: FileRecord, entries: [LogEntry], into report: inout VerificationReport) {
        let subject = "file \(file.id!)"
        guard let received = entries.lazy.compactMap(ReceivedFields.init).first else {
            report.problems.append(.init(subject: subject, problem: "has no 'received' entry in the log"))
            return
        }
        let sealed = sealedCopy(.cleaned, from: received.sealed, entries: entries, file: file, into: &report)
        let comparisons: [(String, String, String)] = [
            ("original commitment", file.originalCommitment ?? "none", received.originalCommitment ?? "none"),
            ("cleaned commitment", file.cleanedCommitment ?? "none", received.cleanedCommitment ?? "none"),
            ("sealed SHA-256", file.sealedSHA256, sealed.sha256),
            ("sealed size", "\(file.sealedSize)", "\(sealed.size)"),
            ("media type", file.mimeType, received.mediaType),
            ("submission", "\(file.submissionID)", "\(received.submissionID)"),
        ]
        for (name, database, logged) in comparisons where database != logged {
            report.problems.append(.init(subject: subject, problem: "\(name) in the database (\(database)) differs from its log entry (\(logged))"))
        }
        for case .originalKept(let kept) in entries where kept.originalCommitment != received.originalCommitment {
            report.problems.append(.init(subject: subject, problem: "its 'original-kept' entry commits to another original than its 'received' entry"))
        }
        var logged = ReviewStatus.pending
        for case .reviewed(let review) in entries {
            logged = review.decision == .approve ? .approved : .rejected
        }
        if logged != file.status {
            report.problems.append(.init(subject: subject, problem: "status is '\(file.status.rawValue)' but the log says '\(logged.rawValue)' (changed without a log entry)"))
        }
    }

    /// The opened facts against the log: the commitments their opening gives (version 2), or the plain hashes and
    /// sizes (version 1). Facts altered, or moved from another file, fail here.
    private func checkFacts(_ facts: FileFacts, of file: FileRecord, entries: [LogEntry], into report: inout VerificationReport) {
        let subject = "file \(file.id!)"
        let comparisons: [(String, String, String)]
        switch entries.first(where: { ReceivedFields($0) != nil }) {
        case .received(let received)?:
            comparisons = [
                ("original commitment", facts.commitment(.original) ?? "none", received.originalCommitment),
                ("cleaned commitment", facts.commitment(.cleaned) ?? "none", received.cleanedCommitment),
            ]
        case .receivedV1(let received)?:
            comparisons = [
                ("original SHA-256", facts.originalSHA256, received.originalSHA256),
                ("cleaned SHA-256", facts.cleanedSHA256, received.cleanedSHA256),
                ("original size", "\(facts.originalSize)", "\(received.originalSize)"),
                ("cleaned size", "\(facts.cleanedSize)", "\(received.cleanedSize)"),
            ]
        default:
            return
        }
        for (name, sealed, logged) in comparisons where sealed != logged {
            report.problems.append(.init(subject: subject, problem: "\(name) from its sealed facts (\(sealed)) differs from its log entry (\(logged))"))
        }
    }

    /// The sealed SHA-256 and size a copy has according to the log: as first sealed, then through each 'granted'
    /// entry of that copy in order. A grant that does not start from the hash before it breaks the chain.
    private func sealedCopy(
        _ copy: LogEntry.Granted.Copy, from first: (sha256: String, size: Int64), entries: [LogEntry], file: FileRecord,
        into report: inout VerificationReport
    ) -> (sha256: String, size: Int64) {
        var current = first
        for case .granted(let grant) in entries where grant.copy == copy {
            if grant.previousSealedSHA256 != current.sha256 {
                report.problems.append(.init(
                    subject: "file \(file.id!)",
                    problem: "a 'granted' entry of its \(copy.rawValue) copy starts from sealed SHA-256 \(grant.previousSealedSHA256), but the log had \(current.sha256) before it (an entry is missing or altered)"))
            }
            current = (grant.sealedSHA256, grant.sealedSize)
        }
        return current
    }
}

/// The fields a 'received' entry of either version shares with the store's record.
private struct ReceivedFields {
    let submissionID: Int64
    let sealed: (sha256: String, size: Int64)
    let mediaType: String
    /// nil in a version 1 entry, which has plain hashes instead.
    let originalCommitment: String?
    let cleanedCommitment: String?

    init?(_ entry: LogEntry) {
        switch entry {
        case .received(let e):
            (submissionID, sealed, mediaType) = (e.submissionID, (e.sealedSHA256, e.sealedSize), e.mediaType)
            (originalCommitment, cleanedCommitment) = (e.originalCommitment, e.cleanedCommitment)
        case .receivedV1(let e):
            (submissionID, sealed, mediaType) = (e.submissionID, (e.sealedSHA256, e.sealedSize), e.mediaType)
            (originalCommitment, cleanedCommitment) = (nil, nil)
        default:
            return nil
        }
    }
}
