import EvidenceCrypto
import Foundation

/// `index.json` at the top of a bulk export: which submission folder holds which file, with its hashes and status,
/// and which files were left out (purged) or failed, and why. Field names are a stable contract for scripts.
public struct BulkExportIndex: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public let id: Int64
        /// The file's name inside its submission's folder, e.g. "3.jpg".
        public let name: String
        public let type: String
        public let status: String
        public let receivedHour: String
        /// Bytes of the exported (cleaned) copy.
        public let size: Int64
        public let originalSHA256: String
        public let cleanedSHA256: String
        public let sealedSHA256: String

        enum CodingKeys: String, CodingKey {
            case id, name, type, status, receivedHour = "received_hour", size
            case originalSHA256 = "original_sha256", cleanedSHA256 = "cleaned_sha256", sealedSHA256 = "sealed_sha256"
        }
    }

    public struct Submission: Codable, Sendable, Equatable {
        public let id: Int64
        /// The folder beside index.json, e.g. "submission-3".
        public let folder: String
        public let receivedHour: String
        public let legalHold: Bool
        public var files: [File]

        enum CodingKeys: String, CodingKey {
            case id, folder, receivedHour = "received_hour", legalHold = "legal_hold", files
        }
    }

    /// A file that was asked for but not written, and why.
    public struct Skipped: Codable, Sendable, Equatable {
        public let id: Int64
        public let submission: Int64
        public let status: String
        public let reason: String
    }

    public let exportedHour: String
    public var submissions: [Submission] = []
    /// Purged files: only their hashes and custody remain, so there is nothing to export.
    public var skipped: [Skipped] = []
    /// Files that could not be exported: a damaged copy, a key that does not open it.
    public var failed: [Skipped] = []

    /// Files written, over all submissions.
    public var fileCount: Int { submissions.reduce(0) { $0 + $1.files.count } }

    enum CodingKeys: String, CodingKey {
        case exportedHour = "exported_hour", submissions, skipped, failed
    }
}

extension ReviewDesk {
    /// Exports `files` as `export(fileID:…)` does, each into `folder/submission-<id>/` (so every submission folder
    /// has its own manifest.sha256, custody and proof files), then writes `folder/index.json`. Purged files are
    /// skipped; a file that fails is listed as failed, with the reason, and the rest are still exported. `progress`
    /// is called after each file that was tried.
    public func exportAll(
        _ files: [FileRecord], identity: X25519PrivateKey, to folder: URL, actor: String, progress: (FileRecord) -> Void = { _ in }
    ) throws -> BulkExportIndex {
        var index = BulkExportIndex(exportedHour: HourStamp.now())
        var positions: [Int64: Int] = [:]
        for file in files {
            if let purged = file.purgedHour {
                index.skipped.append(.init(
                    id: file.id!, submission: file.submissionID, status: file.status.rawValue,
                    reason: "purged \(purged): its sealed copy was deleted; its hashes and custody remain"))
                continue
            }
            let name = "submission-\(file.submissionID)"
            let submissionFolder = folder.appendingPathComponent(name)
            do {
                let written = try export(fileID: file.id!, identity: identity, to: submissionFolder, actor: actor)
                let facts = try file.opened(with: identity).facts!
                if positions[file.submissionID] == nil {
                    let submission = try store.submission(id: file.submissionID)
                    positions[file.submissionID] = index.submissions.count
                    index.submissions.append(.init(
                        id: file.submissionID, folder: name, receivedHour: submission?.receivedHour ?? file.receivedHour,
                        legalHold: submission?.legalHold ?? false, files: []))
                }
                index.submissions[positions[file.submissionID]!].files.append(.init(
                    id: file.id!, name: written.lastPathComponent, type: file.mimeType, status: file.status.rawValue,
                    receivedHour: file.receivedHour, size: facts.cleanedSize, originalSHA256: facts.originalSHA256,
                    cleanedSHA256: facts.cleanedSHA256, sealedSHA256: file.sealedSHA256))
            } catch {
                index.failed.append(.init(id: file.id!, submission: file.submissionID, status: file.status.rawValue, reason: "\(error)"))
                // `export` makes the folder first: one left empty would fail a `sha256sum -c` over every folder.
                if (try? FileManager.default.contentsOfDirectory(atPath: submissionFolder.path))?.isEmpty == true {
                    try? FileManager.default.removeItem(at: submissionFolder)
                }
            }
            progress(file)
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileSystem.writeAtomically(Array(try encoder.encode(index)), to: folder.appendingPathComponent("index.json"))
        return index
    }
}
