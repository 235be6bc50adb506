import EvidenceCrypto
import Foundation
import MediaScrub

/// What a reviewer does with the queue: look, decide, export. Every change leaves a custody entry.
public struct ReviewDesk: Sendable {
    public let store: EvidenceStore
    public let blobs: any BlobStore
    /// The signed log; when present, exports carry the file's inclusion proof.
    public let log: TransparencyLog?
    /// The data folder, when the desk was opened on one (keys, recipients).
    public private(set) var folder: DataFolder?

    public init(store: EvidenceStore, blobs: any BlobStore, log: TransparencyLog? = nil) {
        self.store = store
        self.blobs = blobs
        self.log = log
    }

    public init(folder: DataFolder) throws {
        try self.init(folder: folder, blobs: LocalBlobStore(root: folder.blobs))
    }

    /// Opens the desk on a data folder whose sealed files are kept in `blobs` (an object store), with the metadata
    /// in `store` (PostgreSQL) or, when it is nil, in the folder's SQLite database.
    public init(folder: DataFolder, blobs: any BlobStore, store: EvidenceStore? = nil) throws {
        guard folder.isInitialised else {
            throw CoreError.storage("\(folder.root.path) holds no evidence store; start `evidence-drop serve --data \(folder.root.path)` once, or pass --data")
        }
        let store = try store ?? EvidenceStore(url: folder.database)
        // A store kept from before files' facts were sealed is upgraded by whichever opens it first with the keys.
        try store.sealPlainFacts(to: folder.loadRecipients())
        self.init(store: store, blobs: blobs, log: try TransparencyLog(folder: folder, store: store))
        self.folder = folder
    }

    public func approve(fileID: Int64, note: String?, actor: String) throws {
        try decide(fileID: fileID, status: .approved, detail: note, actor: actor)
    }

    public func reject(fileID: Int64, reason: String, actor: String) throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw CoreError.invalidReviewState("a rejection needs a reason (--reason)") }
        try decide(fileID: fileID, status: .rejected, detail: reason, actor: actor)
    }

    private func decide(fileID: Int64, status: ReviewStatus, detail: String?, actor: String) throws {
        try store.decide(fileID: fileID, status: status, detail: detail, actor: actor)
    }

    /// Decrypts a file into `folder`, checks its cleaned SHA-256 before it gets its final name,
    /// and adds its line to `manifest.sha256` (the format `sha256sum -c` reads). With `original`, exports the
    /// original kept at the submitter's request instead, checked against the SHA-256 of what was uploaded.
    /// `progress` gets the number of bytes of each block written.
    @discardableResult
    public func export(
        fileID: Int64, identity: X25519PrivateKey, to folder: URL, actor: String, original: Bool = false,
        progress: (Int64) -> Void = { _ in }
    ) throws -> URL {
        let file = try store.file(id: fileID).opened(with: identity)
        let facts = file.facts!
        let blobKey: String
        let expectedSHA256: String
        if original {
            guard let key = file.originalBlobKey else {
                throw CoreError.invalidReviewState("file \(fileID) has no kept original: the submitter did not ask to keep it")
            }
            blobKey = key
            expectedSHA256 = facts.originalSHA256
        } else {
            blobKey = file.blobKey
            expectedSHA256 = facts.cleanedSHA256
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = original ? "\(fileID).original.\(file.fileExtension)" : "\(fileID).\(file.fileExtension)"
        let destination = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).part")
        try? FileManager.default.removeItem(at: temporary)
        do {
            let output = try DurableFile(creating: temporary, writingBackEvery: DurableFile.largeFileWriteBack)
            let hasher = SHA256Hasher()
            try decrypt(blobKey: blobKey, identity: identity) { plain in
                hasher.update(plain)
                try output.write(plain)
                progress(Int64(plain.count))
            }
            try output.close()
            let actual = Hex.encode(hasher.finalize())
            guard actual == expectedSHA256 else {
                throw CoreError.hashMismatch(fileID: fileID, expected: expectedSHA256, actual: actual)
            }
            // Recorded before the file gets its name: no decrypted copy exists without its custody entry.
            try store.recordExport(
                fileID: fileID, detail: original ? "original with its metadata, SHA-256 verified" : "cleaned copy, SHA-256 verified",
                actor: actor)
            try FileSystem.durableRename(temporary, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        try ExportManifest(folder: folder).record(name: name, sha256: expectedSHA256)
        try writeCustody(of: file, to: folder)
        return destination
    }

    /// Beside an exported file: `<id>.custody.json` (the file's hashes, sizes and the opening of its log
    /// commitments, and every log entry about it, this export included) and `<id>.proof.json` (the inclusion proof
    /// of its "received" entry with a signed checkpoint): with the file, what a court needs to check it against the
    /// log (docs/TRANSPARENCY-LOG.md, "Checking an export").
    private func writeCustody(of file: FileRecord, to folder: URL) throws {
        let facts = file.facts!
        let stored = try store.logEntries(fileID: file.id!)
        let custody = ExportedCustody(
            file: file.id!, opening: facts.opening, originalSHA256: facts.originalSHA256, originalSize: facts.originalSize,
            cleanedSHA256: facts.cleanedSHA256, cleanedSize: facts.cleanedSize,
            entries: stored.map { .init(index: "\($0.index)", leafHash: Hex.encode($0.leafHash), entry: $0.text) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileSystem.writeAtomically(Array(try encoder.encode(custody)), to: folder.appendingPathComponent("\(file.id!).custody.json"))
        if let log, let received = stored.first(where: { $0.text.contains("\nkind received\n") }) {
            var proof = try log.inclusionProof(index: received.index)
            proof.sha256 = facts.cleanedSHA256
            proof.opening = facts.opening
            try FileSystem.writeAtomically(Array(try encoder.encode(proof)), to: folder.appendingPathComponent("\(file.id!).proof.json"))
        }
    }

    /// The submitter's messages of a submission (the first, then any added later from the status page), decrypted
    /// and separated by a blank line, or nil when none was written.
    public func message(submissionID: Int64, identity: X25519PrivateKey) throws -> String? {
        let messages = try store.sealedMessages(submissionID: submissionID).map { sealed in
            let reader = SealedFileReader(identity: identity)
            return String(decoding: try reader.update(Array(sealed)) + reader.finish(), as: UTF8.self)
        }
        return messages.isEmpty ? nil : messages.joined(separator: "\n\n")
    }

    private func decrypt(blobKey: String, identity: X25519PrivateKey, _ body: ([UInt8]) throws -> Void) throws {
        let input = try blobs.openReader(blobKey)
        let reader = SealedFileReader(identity: identity)
        while true {
            let block = try input.read(maxLength: 256 * 1024)
            if block.isEmpty { break }
            // In pieces: a long run of zeros in the file is held back as a count, then handed on a piece at a time.
            try reader.update(block, emit: body)
        }
        try reader.finish(body)
    }
}
