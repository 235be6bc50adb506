import EvidenceCore
import EvidenceCrypto
import Foundation
import PostgresStore
import PostgresTestSupport
import Testing

/// The databases the store's tests run on: the embedded SQLite file, and PostgreSQL when a test cluster can be had
/// (Scripts/test.sh provides one and requires it).
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var all: [StoreBackend] { PostgresTestServer.isAvailable ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }
}

/// A fresh data folder with one reviewer key and a fresh store on `backend`, removed when released.
final class CoreFixture {
    let root: URL
    let folder: DataFolder
    let identity = X25519PrivateKey.generate()
    let backend: StoreBackend
    let store: EvidenceStore
    /// The PostgreSQL database of the store, when it is on PostgreSQL.
    private var postgres: PostgresLocation?

    init(_ backend: StoreBackend = .sqlite) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-core-\(UUID().uuidString)")
        folder = DataFolder(root.appendingPathComponent("data").path)
        try folder.initialise()
        try folder.addRecipient(identity.publicKey)
        self.backend = backend
        switch backend {
        case .sqlite: store = try EvidenceStore(url: folder.database)
        case .postgres:
            let location = try PostgresTestServer.freshDatabase()
            postgres = location
            store = try EvidenceStore(database: try PostgresSQLDatabase(location))
        }
    }

    /// Another handle on the same database, with connections of its own, as another process or node has.
    func anotherStore() throws -> EvidenceStore {
        switch backend {
        case .sqlite: try EvidenceStore(url: folder.database)
        case .postgres: try EvidenceStore(database: try PostgresSQLDatabase(postgres!))
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func pipeline() throws -> IngestPipeline {
        try IngestPipeline(folder: folder, blobs: LocalBlobStore(root: folder.blobs), store: store)
    }

    /// Resumable uploads on one node (in the spool), or shared by nodes (in this store and a blob store of the folder).
    func partialUploads(shared: Bool) -> PartialUploads {
        shared
            ? PartialUploads(store: store, blobs: LocalBlobStore(root: folder.blobs), spool: folder.spool)
            : PartialUploads(spool: folder.spool)
    }

    func desk() throws -> ReviewDesk {
        try ReviewDesk(folder: folder, blobs: LocalBlobStore(root: folder.blobs), store: store)
    }

    /// Runs `statement` on the store's database, as someone tampering with it would.
    func sql(_ statement: String, _ arguments: [any SQLValueConvertible] = []) throws {
        try store.database.write { session in try session.execute(statement, arguments) }
    }

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
