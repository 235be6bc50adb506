import EvidenceCrypto
import Foundation
import MediaScrub

/// What a reviewer does with the queue: look, decide, export. Every change leaves a custody entry.
public struct ReviewDesk: Sendable {
    public let store: EvidenceStore
    public let blobs: any BlobStore

    public init(store: EvidenceStore, blobs: any BlobStore) {
        self.store = store
        self.blobs = blobs
    }

    public init(folder: DataFolder) throws {
        guard folder.isInitialised else {
            throw CoreError.storage("\(folder.root.path) holds no evidence store; start `evidence-drop serve --data \(folder.root.path)` once, or pass --data")
        }
        self.init(store: try EvidenceStore(url: folder.database), blobs: LocalBlobStore(root: folder.blobs))
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
        let file = try store.file(id: fileID)
        guard file.status != status else {
            throw CoreError.invalidReviewState("file \(fileID) is already \(status.rawValue)")
        }
        try store.decide(fileID: fileID, status: status, detail: detail, actor: actor)
    }

    /// Decrypts a file into `folder`, checks its cleaned SHA-256 before it gets its final name,
    /// and adds its line to `manifest.sha256` (the format `sha256sum -c` reads).
    @discardableResult
    public func export(fileID: Int64, identity: X25519PrivateKey, to folder: URL, actor: String) throws -> URL {
        let file = try store.file(id: fileID)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = "\(fileID).\(file.fileExtension)"
        let destination = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).part")
        try? FileManager.default.removeItem(at: temporary)
        do {
            let output = try DurableFile(creating: temporary)
            let hasher = SHA256Hasher()
            try decrypt(blobKey: file.blobKey, identity: identity) { plain in
                hasher.update(plain)
                try output.write(plain)
            }
            try output.close()
            let actual = Hex.encode(hasher.finalize())
            guard actual == file.cleanedSHA256 else {
                throw CoreError.hashMismatch(fileID: fileID, expected: file.cleanedSHA256, actual: actual)
            }
            try FileSystem.durableRename(temporary, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        try ExportManifest(folder: folder).record(name: name, sha256: file.cleanedSHA256)
        try store.recordCustody(fileID: fileID, action: "exported", detail: "cleaned copy, SHA-256 verified", actor: actor)
        return destination
    }

    /// The submitter's message of a submission, decrypted, or nil when none was written.
    public func message(submissionID: Int64, identity: X25519PrivateKey) throws -> String? {
        guard let sealed = try store.submission(id: submissionID)?.sealedMessage else { return nil }
        let reader = SealedFileReader(identity: identity)
        let plain = try reader.update(Array(sealed)) + reader.finish()
        return String(decoding: plain, as: UTF8.self)
    }

    private func decrypt(blobKey: String, identity: X25519PrivateKey, _ body: ([UInt8]) throws -> Void) throws {
        let input = try blobs.openReader(blobKey)
        let reader = SealedFileReader(identity: identity)
        while true {
            let block = try input.read(maxLength: 256 * 1024)
            if block.isEmpty { break }
            let plain = try reader.update(block)
            if !plain.isEmpty { try body(plain) }
        }
        let last = try reader.finish()
        if !last.isEmpty { try body(last) }
    }
}
