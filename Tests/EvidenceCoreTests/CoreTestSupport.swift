import EvidenceCore
import EvidenceCrypto
import Foundation

/// A fresh data folder with one reviewer key, removed when released.
final class CoreFixture {
    let root: URL
    let folder: DataFolder
    let identity = X25519PrivateKey.generate()

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-core-\(UUID().uuidString)")
        folder = DataFolder(root.appendingPathComponent("data").path)
        try folder.initialise()
        try folder.addRecipient(identity.publicKey)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func pipeline() throws -> IngestPipeline { try IngestPipeline(folder: folder) }

    /// Spools `bytes` as the server does with an upload.
    func spool(_ bytes: [UInt8], budget: SpoolMemoryBudget = .shared) throws -> SpooledUpload {
        let file = try SpoolFile(in: folder.spool, sizeLimit: 1 << 30, budget: budget)
        for start in stride(from: 0, to: bytes.count, by: 10_000) {
            try file.append(Array(bytes[start..<min(bytes.count, start + 10_000)]))
        }
        return try file.finish()
    }

    /// Names of regular files under `url`, relative, sorted.
    func files(under url: URL) -> [String] {
        let walker = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
        return (walker?.compactMap { item -> String? in
            guard let item = item as? URL, (try? item.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { return nil }
            return String(item.path.dropFirst(url.path.count + 1))
        } ?? []).sorted()
    }
}

extension EvidenceStore {
    /// A pragma of the SQLite file under the store, for checks of its settings.
    func pragma(_ name: String) throws -> String? {
        guard let sqlite = database as? SQLiteDatabase else { return nil }
        return try sqlite.pragma(name)
    }
}
