import EvidenceCrypto
import Foundation
import MediaScrub

/// Bytes in; scrubbed, hashed, sealed and recorded out. Callable without a server.
public struct IngestPipeline: Sendable {
    public let store: EvidenceStore
    public let blobs: any BlobStore
    public let log: TransparencyLog
    private let committer: GroupCommitter
    /// The keys given at init; unused when they are read from `folder` for every submission.
    private let fixedRecipients: [X25519PublicKey]
    private let folder: DataFolder?
    let receiptKey: [UInt8]
    /// Operator's choice: store files of unknown types uncleaned, with a warning on the receipt, instead of refusing them.
    public var acceptsUnknownTypes = false

    public static let uncleanedWarning =
        "This file's type was not recognised, so its hidden metadata was NOT removed. It may identify you or your device."

    public init(
        store: EvidenceStore, blobs: any BlobStore, recipients: [X25519PublicKey], receiptKey: [UInt8], log: TransparencyLog
    ) throws {
        guard !recipients.isEmpty else { throw CoreError.noRecipients(folder: "recipients/") }
        self.store = store
        self.blobs = blobs
        self.fixedRecipients = recipients
        self.folder = nil
        self.receiptKey = receiptKey
        self.log = log
        committer = GroupCommitter(store: store, log: log)
        try store.sealPlainFacts(to: recipients)
    }

    /// Opens the pipeline over an initialised data folder. recipients/ is read again for every submission, so keys
    /// added or revoked (`evidence-review keys`) take effect without a restart.
    public init(folder: DataFolder) throws {
        try self.init(folder: folder, blobs: LocalBlobStore(root: folder.blobs))
    }

    /// Opens the pipeline over an initialised data folder with sealed files kept in `blobs` (an object store) and
    /// the metadata in `store` (PostgreSQL), or in the folder's SQLite database when it is nil; keys, spool and
    /// crash journal stay in the folder.
    public init(folder: DataFolder, blobs: any BlobStore, store: EvidenceStore? = nil) throws {
        let recipients = try folder.loadRecipients()
        guard !recipients.isEmpty else { throw CoreError.noRecipients(folder: folder.recipients.path) }
        let store = try store ?? EvidenceStore(url: folder.database)
        try store.sealPlainFacts(to: recipients)
        self.store = store
        self.blobs = blobs
        fixedRecipients = []
        self.folder = folder
        receiptKey = try folder.loadReceiptKey()
        log = try TransparencyLog(folder: folder, store: store)
        committer = GroupCommitter(store: store, log: log)
    }

    /// The keys a submission is sealed to now: a handful of small files, cheap to read each time.
    public func currentRecipients() throws -> [X25519PublicKey] {
        guard let folder else { return fixedRecipients }
        let recipients = try folder.loadRecipients()
        guard !recipients.isEmpty else { throw CoreError.noRecipients(folder: folder.recipients.path) }
        return recipients
    }

    /// Where crash journals go (`IngestJournal`); nil without a data folder.
    var journalRoot: URL? { folder?.blobs }

    /// Removes the blobs of ingests a crash interrupted before their commit. Call once at start, before serving.
    @discardableResult
    public func recoverInterruptedIngests() throws -> Int {
        guard let journalRoot = folder?.blobs else { return 0 }
        return try IngestJournal.recover(blobsRoot: journalRoot, store: store, blobs: blobs)
    }

    /// Scrubs and seals every upload, then records the submission in one transaction and removes the spool files.
    /// On any error nothing is recorded and every blob written for this submission is removed.
    /// With `keepOriginals`, each original is also sealed and kept as received, metadata and all (the submitter's choice).
    /// With `addingTo`, the files and message join that existing submission (the submitter gave its receipt code);
    /// then a message alone is enough.
    public func ingest(
        _ uploads: [SpooledUpload], message: String?, keepOriginals: Bool = false,
        addingTo existing: (code: String, submission: SubmissionRecord)? = nil
    ) throws -> Receipt {
        try ingest(received: uploads.map { .spooled($0) }, message: message, keepOriginals: keepOriginals, addingTo: existing)
    }

    /// `ingest` for files of which some were scrubbed and sealed while they arrived (`ArrivingUpload`): those are
    /// recorded as they are (their blobs are removed too on an error). `recipients`: the keys they were sealed to,
    /// which the rest of the submission is sealed to as well; nil reads the current ones.
    public func ingest(
        received uploads: [ReceivedUpload], message: String?, keepOriginals: Bool = false,
        recipients given: [X25519PublicKey]? = nil, addingTo existing: (code: String, submission: SubmissionRecord)? = nil
    ) throws -> Receipt {
        defer { uploads.forEach { $0.release() } }
        guard !uploads.isEmpty || (existing != nil && !(message ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty) else {
            throw CoreError.noFiles
        }
        let hour = HourStamp.now()
        // Read once, so every file and the message of one submission are sealed to the same keys.
        let recipients = try given ?? currentRecipients()
        let firstPosition = try existing.map { try store.files(inSubmission: $0.submission.id!).count } ?? 0
        TestPause.at("spooled")
        var written: [StoredBlob] = []
        var journal = try folder.map { try IngestJournal(blobsRoot: $0.blobs) }
        defer { journal?.close() }
        do {
            var files: [FileRecord] = []
            var reports: [RemovalReport?] = []
            // A file whose type, size or content is at fault refuses only itself: the others are recorded.
            var refusals: [FileRefusal] = []
            for (index, received) in uploads.enumerated() {
                let position = firstPosition + files.count
                var file: FileRecord
                let original: SpooledUpload?
                switch received {
                case .spooled(let upload):
                    let scrubbed: (FileRecord, RemovalReport?, StoredBlob)
                    do {
                        scrubbed = try scrubAndSeal(upload, position: position, hour: hour, to: recipients, journal: &journal)
                    } catch {
                        guard let fault = CoreError.fileFault(error) else { throw error }
                        refusals.append(FileRefusal(index: index, error: fault))
                        continue
                    }
                    let (record, report, blob) = scrubbed
                    written.append(blob)
                    (file, original) = (record, upload)
                    reports.append(report)
                case .scrubbed(let upload):
                    written.append(upload.blob)
                    file = try fileRecord(
                        position: position, hour: hour, type: upload.mediaType, report: upload.report,
                        originalSize: upload.originalSize, originalSHA256: upload.originalSHA256,
                        cleanedSize: upload.cleanedSize, cleanedSHA256: upload.cleanedSHA256, blob: upload.blob, to: recipients)
                    original = upload.original
                    reports.append(upload.report)
                }
                // A file scrubbed while it arrived before the submitter's choice came has no original to keep;
                // its receipt says so (originalKept).
                if keepOriginals, let original {
                    let sealed = try sealOriginal(original, to: recipients, journal: &journal)
                    written.append(sealed)
                    file.originalBlobKey = sealed.key
                    file.originalSealedSHA256 = sealed.sha256
                    file.originalSealedSize = sealed.size
                }
                files.append(file)
            }
            if files.isEmpty && !refusals.isEmpty && (existing == nil || (message ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty) {
                throw EveryFileRefused(refusals: refusals)
            }
            TestPause.at("sealed")
            let code = existing?.code ?? ReceiptCode.generate()
            let sealedMessage = try message.flatMap { try seal(message: $0, to: recipients) }
            let write: SubmissionWrite
            if let existing {
                write = .addition(files: files, sealedMessage: sealedMessage.map { Data($0) }, to: existing.submission, hour: hour)
            } else {
                write = .new(SubmissionRecord(
                    receiptHash: ReceiptCode.keyedHash(code, key: receiptKey)!, receivedHour: hour,
                    sealedMessage: sealedMessage.map { Data($0) },
                    replyPublicKey: SubmitterReplyKey.privateKey(receiptCode: code).map { Data($0.publicKey.rawRepresentation) }),
                    files: files)
            }
            // With others that arrived together, in one transaction; the checkpoint signed in it includes this
            // submission: the submitter's proof that it was received.
            let (stored, checkpoint) = try committer.commit(write)
            return Receipt(
                code: code, receivedHour: hour,
                files: zip(stored, reports).map { stored, report in
                    let file = stored.file
                    let facts = file.facts!
                    return ReceiptFile(
                        type: file.mimeType, typeName: file.typeName,
                        originalSize: facts.originalSize, cleanedSize: facts.cleanedSize,
                        originalSHA256: facts.originalSHA256, cleanedSHA256: facts.cleanedSHA256, opening: facts.opening!,
                        removed: report?.removed ?? [], added: report?.added ?? [], keptAsReceivedAfter: report?.keptAsReceivedAfter,
                        warning: file.mediaType == nil ? Self.uncleanedWarning : nil, logIndex: stored.logIndex,
                        originalKept: file.originalBlobKey != nil)
                },
                messageIncluded: sealedMessage != nil, checkpoint: checkpoint, refusals: refusals)
        } catch {
            for blob in written { try? blobs.delete(blob.key) }
            throw CoreError.explaining(error)
        }
    }

    private func scrubAndSeal(
        _ upload: SpooledUpload, position: Int, hour: String, to recipients: [X25519PublicKey], journal: inout IngestJournal?
    ) throws -> (FileRecord, RemovalReport?, StoredBlob) {
        let type = upload.sniffedType
        guard type != nil || acceptsUnknownTypes else { throw CoreError.unsupportedType }
        // Decrypting the spool and scrubbing keep this thread busy: sealing, hashing and writing go to a second one.
        let blobWriter = try blobs.makeWriter()
        var started: SealingSink?
        do {
            let sink = try SealingSink(recipients: recipients, blob: blobWriter, inBackground: upload.size >= Self.backgroundSealingSize)
            started = sink
            let report: RemovalReport?
            do {
                if let type {
                    report = try MediaScrubber.scrubber(for: type).scrub(from: upload.openOriginal(), to: sink)
                } else {
                    try Self.copy(from: upload.openOriginal(), to: sink)
                    report = nil
                }
            } catch let error as ScrubError {
                throw CoreError(scrubError: error)
            }
            let (blob, cleanedSHA256) = try sink.finish { try journal?.add($0) }
            let file: FileRecord
            do {
                file = try fileRecord(
                    position: position, hour: hour, type: type, report: report, originalSize: upload.size,
                    originalSHA256: upload.originalSHA256, cleanedSize: sink.size, cleanedSHA256: cleanedSHA256, blob: blob,
                    to: recipients)
            } catch {
                try? blobs.delete(blob.key)
                throw error
            }
            return (file, report, blob)
        } catch {
            // The sealing thread stops before the blob it writes to is removed.
            started?.cancel()
            blobWriter.abort()
            throw error
        }
    }

    /// The record of a file sealed into `blob`: its facts, with a new opening for its log commitments, are sealed to
    /// `recipients` and kept in the clear only in this value, for the receipt.
    private func fileRecord(
        position: Int, hour: String, type: MediaType?, report: RemovalReport?, originalSize: Int64, originalSHA256: String,
        cleanedSize: Int64, cleanedSHA256: String, blob: StoredBlob, to recipients: [X25519PublicKey]
    ) throws -> FileRecord {
        let facts = FileFacts(
            opening: FileCommitment.newOpening(), originalSHA256: originalSHA256, originalSize: originalSize,
            cleanedSHA256: cleanedSHA256, cleanedSize: cleanedSize, removalReport: report)
        return FileRecord(
            submissionID: 0, position: position, mediaType: type, sealedSize: blob.size, sealedSHA256: blob.sha256,
            scrubberVersion: MediaScrubber.version, blobKey: blob.key, status: .pending, receivedHour: hour,
            sealedFacts: try facts.sealed(to: recipients), originalCommitment: facts.commitment(.original),
            cleanedCommitment: facts.commitment(.cleaned), facts: facts)
    }

    /// The submission whose receipt code this is, or nil (also for anything that is not a well-formed code).
    public func submission(receiptCode: String) throws -> SubmissionRecord? {
        guard let hash = ReceiptCode.keyedHash(receiptCode, key: receiptKey) else { return nil }
        return try store.submission(receiptHash: hash)
    }

    /// Seals the spooled original unchanged into a blob of its own.
    private func sealOriginal(_ upload: SpooledUpload, to recipients: [X25519PublicKey], journal: inout IngestJournal?) throws -> StoredBlob {
        let writer = try blobs.makeWriter()
        var started: SealingSink?
        do {
            let sink = try SealingSink(recipients: recipients, blob: writer, inBackground: upload.size >= Self.backgroundSealingSize)
            started = sink
            try Self.copy(from: upload.openOriginal(), to: sink)
            let (blob, plainSHA256) = try sink.finish { try journal?.add($0) }
            guard plainSHA256 == upload.originalSHA256 else {
                throw CoreError.storage("the spooled original changed while it was sealed")
            }
            return blob
        } catch {
            started?.cancel()
            writer.abort()
            throw error
        }
    }

    /// Files from this size on are sealed on a second thread while they are scrubbed; a photo is not worth a thread.
    public static let backgroundSealingSize: Int64 = 16 << 20

    private static func copy(from source: any ByteSource, to sink: any ByteSink) throws {
        while true {
            let block = try source.read(maxLength: 256 * 1024)
            if block.isEmpty { return }
            try sink.write(block)
        }
    }

    /// The message is evidence too: it is sealed to the reviewers like the files (kept in the database, it is small).
    private func seal(message: String, to recipients: [X25519PublicKey]) throws -> [UInt8]? {
        let trimmed = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let writer = try SealedFileWriter(recipients: recipients)
        return try writer.update(Array(trimmed.utf8)) + writer.finish()
    }
}

extension CoreError {
    init(scrubError: ScrubError) {
        switch scrubError {
        case .unsupportedType: self = .unsupportedType
        case .truncated(let why), .malformed(let why), .tooLarge(let why): self = .damagedFile(why)
        case .busy: self = .busy(scrubError.description)
        }
    }
}

extension JSONEncoder {
    /// Stable output: the same value always encodes to the same bytes.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
