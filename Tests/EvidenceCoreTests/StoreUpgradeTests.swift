@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import GRDB
import PostgresStore
import PostgresTestSupport
import Testing

/// A store written by the release before sealed facts (schema v10: plain hashes, sizes and removal reports, the
/// duplicate_hash table, version 1 log entries) is upgraded in place when it is first opened with the keys.
@Suite struct StoreUpgradeTests {
    static let hour = "2026-11-25T09:00Z"

    /// One file as the previous release stored it: a real sealed blob, its row with plain columns, and its v1 entry.
    struct OldFile {
        let original: [UInt8]
        let cleaned: [UInt8]
        var originalSHA256: String { Hex.encode(SHA256Hasher.hash(original)) }
        var cleanedSHA256: String { Hex.encode(SHA256Hasher.hash(cleaned)) }
    }

    static let report = #"{"added":[],"mediaType":"jpeg","removed":[{"bytes":724,"count":1,"what":"Exif (APP1)"}]}"#

    /// Writes the previous release's store with `files` in one submission: on SQLite its very schema (up to v10); on
    /// PostgreSQL the schema of today's migrations before any store has opened it, whose plain columns are v10's.
    /// Returns the PostgreSQL database, nil for the data folder's SQLite file.
    @discardableResult
    static func writePreviousRelease(_ fixture: UpgradeFixture, files: [OldFile], on backend: StoreBackend = .sqlite) throws -> (any SQLDatabase)? {
        switch backend {
        case .sqlite:
            let queue = try DatabaseQueue(path: fixture.folder.database.path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA auto_vacuum = FULL")
                try db.execute(sql: "VACUUM")
            }
            try StoreMigrations.migrator.migrate(queue, upTo: "v10: hashes more than one file has, held submissions")
            try queue.write { db in try insert(files, fixture: fixture, in: SQLiteSession(db: db)) }
            try queue.close()
            return nil
        case .postgres:
            let database = try PostgresSQLDatabase(PostgresTestServer.freshDatabase())
            try database.write { session in
                try insert(files, fixture: fixture, in: session)
                // As migration v13 finds a previous release's log: its entries' interior hashes still to fill.
                try session.execute(
                    """
                    INSERT INTO log_node_fill (id, size, level, next) SELECT 1, COALESCE(MAX(leaf_index) + 1, 0), 1, 0 FROM log_entry
                    ON CONFLICT (id) DO UPDATE SET size = excluded.size, level = 1, next = 0
                    """)
            }
            return database
        }
    }

    private static func insert(_ files: [OldFile], fixture: UpgradeFixture, in session: any SQLSession) throws {
        let blobs = LocalBlobStore(root: fixture.folder.blobs)
        try session.execute(
            "INSERT INTO submission (receipt_hash, received_hour, legal_hold) VALUES (?, ?, 0)",
            [Data(SecureRandom.bytes(count: 32)), hour])
        for (position, file) in files.enumerated() {
            let writer = try blobs.makeWriter()
            let sealer = try SealedFileWriter(recipients: [fixture.identity.publicKey])
            try writer.write(try sealer.update(file.cleaned) + sealer.finish())
            let blob = try writer.commit()
            try session.execute(
                """
                INSERT INTO file (submission_id, position, media_type, original_size, cleaned_size, sealed_size, original_sha256,
                    cleaned_sha256, sealed_sha256, removal_report, scrubber_version, blob_key, status, received_hour)
                VALUES (1, ?, 'jpeg', ?, ?, ?, ?, ?, ?, ?, 'MediaScrub 1', ?, 'pending', ?)
                """,
                [position, file.original.count, file.cleaned.count, blob.size, file.originalSHA256, file.cleanedSHA256,
                 blob.sha256, Self.report, blob.key, hour])
            let id = Int64(position + 1)
            // As that release appended (no interior hashes, no compact range): the entry row alone.
            let entry = LogEntry.receivedV1(try .init(
                submissionID: 1, fileID: id, originalSHA256: file.originalSHA256, originalSize: Int64(file.original.count),
                cleanedSHA256: file.cleanedSHA256, cleanedSize: Int64(file.cleaned.count), sealedSHA256: blob.sha256,
                sealedSize: blob.size, mediaType: "image/jpeg", hour: hour)).encode()
            try session.execute(
                "INSERT INTO log_entry (leaf_index, entry, leaf_hash, file_id) VALUES (?, ?, ?, ?)",
                [position, Data(entry), Data(MerkleTree.leafHash(entry)), id])
            try session.execute(
                "INSERT INTO custody (file_id, action, detail, actor, hour) VALUES (?, 'received', 'scrubbed', 'server', ?)", [id, hour])
        }
    }

    static func oldFiles() -> [OldFile] {
        // Multi-megabyte files; the second has the first's cleaned bytes (a duplicate), the third is its own.
        let cleaned = SecureRandom.bytes(count: 3_000_000)
        return [
            OldFile(original: Array("metadata one".utf8) + cleaned, cleaned: cleaned),
            OldFile(original: Array("metadata two".utf8) + cleaned, cleaned: cleaned),
            OldFile(original: SecureRandom.bytes(count: 2_500_000), cleaned: SecureRandom.bytes(count: 2_400_000)),
        ]
    }

    /// The file table's columns, read by GRDB from the SQLite file.
    static func columns(_ fixture: UpgradeFixture) throws -> Set<String> {
        let queue = try DatabaseQueue(path: fixture.folder.database.path)
        defer { try? queue.close() }
        return try queue.read { db in Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('file')")) }
    }

    @Test("the previous release's store is sealed, stripped of plain hashes and sizes, rewritten, and still verifies",
          arguments: StoreBackend.all)
    func upgradesInPlace(backend: StoreBackend) throws {
        let fixture = try UpgradeFixture()
        let files = Self.oldFiles()
        let postgres = try Self.writePreviousRelease(fixture, files: files, on: backend)
        let store = try postgres.map { try EvidenceStore(database: $0) }
        let columns = { (database: any SQLDatabase) in try database.read { try database.columnNames(of: "file", in: $0) } }
        if let postgres {
            #expect(try columns(postgres).isSuperset(of: EvidenceStore.plainFactColumns), "a store with files waits for the keys")
        } else {
            #expect(try Self.columns(fixture).isSuperset(of: EvidenceStore.plainFactColumns))
        }

        let desk = try ReviewDesk(folder: fixture.folder, blobs: LocalBlobStore(root: fixture.folder.blobs), store: store)
        #expect(try columns(desk.store.database).isDisjoint(with: EvidenceStore.plainFactColumns))
        let tables = try desk.store.database.read { session in
            try session.rows(backend == .sqlite ? "SELECT name FROM sqlite_master" : "SELECT tablename FROM pg_tables").map { try $0.string(0) }
        }
        #expect(!tables.contains { $0.contains("duplicate_hash") || $0.contains("plain_facts") }, "\(tables)")
        if backend == .sqlite {
            #expect(try desk.store.pragma("freelist_count") == "0", "rewritten: no free page keeps an old value")
        }

        // What the columns held is in the sealed facts, for the reviewers' key alone.
        let facts = try desk.openedFacts(identity: fixture.identity)
        #expect(facts.count == 3)
        for (index, file) in files.enumerated() {
            let opened = try #require(facts[Int64(index + 1)])
            #expect(opened.originalSHA256 == file.originalSHA256 && opened.cleanedSHA256 == file.cleanedSHA256)
            #expect(opened.originalSize == Int64(file.original.count) && opened.cleanedSize == Int64(file.cleaned.count))
            #expect(opened.opening == nil, "files received before commitments have none")
            #expect(opened.removalReport?.removed.first?.what == "Exif (APP1)")
        }
        #expect(try desk.openedFacts(identity: X25519PrivateKey.generate()).isEmpty)
        let groups = try desk.store.annotations().withDuplicates(among: facts)
        #expect(groups.duplicates(of: try desk.store.file(id: 1)) == [2])

        // verify passes with and without the key; the v1 entries are still checked against the facts.
        let verifier = StoreVerifier(desk: desk, log: try #require(desk.log))
        #expect(try verifier.run(identity: fixture.identity).problems.isEmpty)
        #expect(try verifier.run(identity: nil).problems.isEmpty)

        // The file table holds no hash or size any more; only the v1 log entries still name them (append-only).
        let entries = try desk.store.logEntries().map(\.text).joined()
        let rows = try desk.store.database.read { session in try session.rows("SELECT * FROM file").map { "\($0)" }.joined() }
        for file in files {
            #expect(!rows.contains(file.originalSHA256) && !rows.contains(file.cleanedSHA256))
            #expect(!rows.contains(String(file.original.count)) && !rows.contains(String(file.cleaned.count)))
        }
        // A file received after the upgrade gets a v2 entry and sealed facts; the whole store still verifies.
        let pipeline = try IngestPipeline(folder: fixture.folder, blobs: LocalBlobStore(root: fixture.folder.blobs), store: store)
        _ = try pipeline.ingest([try fixture.spool(Array(UpgradeFixture.png))], message: nil)
        #expect(try desk.store.logEntries().last?.text.hasPrefix("evidence-drop log entry v2\n") == true)
        #expect(try verifier.run(identity: fixture.identity).problems.isEmpty)
        #expect(entries.contains(files[0].originalSHA256))
    }

    @Test("after the upgrade, the database file holds each old hash only inside its version 1 log entries")
    func noCopyLeftInFreedPages() throws {
        let fixture = try UpgradeFixture()
        let files = Self.oldFiles()
        try Self.writePreviousRelease(fixture, files: files)
        do {
            let desk = try ReviewDesk(folder: fixture.folder)
            #expect(try desk.store.logSize() == 3)
        }
        // Counted by another process over the file and its WAL: a read here would close a descriptor of a file
        // SQLite may still have open in this process, and drop its locks (Tests/LockGuard).
        let program = """
            import os, sys
            data = b"".join(open(p, "rb").read() for p in sys.argv[2:] if os.path.exists(p))
            print(" ".join(str(data.count(h.encode())) for h in sys.argv[1].split(",")))
            """
        let hashes = files.flatMap { [$0.originalSHA256, $0.cleanedSHA256] }
        let counted = try runLogTool("python3", ["-c", program, hashes.joined(separator: ","),
                                                  fixture.folder.database.path, fixture.folder.database.path + "-wal"])
        #expect(counted.status == 0, "\(counted.standardError)")
        let counts = counted.standardOutput.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        // Each v1 entry names its file's two hashes once; files 1 and 2 share their cleaned hash.
        let expected = files.flatMap { file in [1, files.filter { $0.cleaned == file.cleaned }.count] }
        #expect(counts == expected, "\(counted.standardOutput)")
    }

    @Test("an upgrade that fails half-way leaves the previous store whole, and succeeds once the cause is gone")
    func failedUpgradeChangesNothing() throws {
        let fixture = try UpgradeFixture()
        let files = Self.oldFiles()
        try Self.writePreviousRelease(fixture, files: files)
        // The third file's removal report cannot be read: sealing stops there, after the first two were sealed.
        let queue = try DatabaseQueue(path: fixture.folder.database.path)
        try queue.write { db in try db.execute(sql: "UPDATE file SET removal_report = 'damaged' WHERE id = 3") }
        try queue.close()
        #expect(throws: (any Error).self) { try ReviewDesk(folder: fixture.folder) }
        #expect(try Self.columns(fixture).isSuperset(of: EvidenceStore.plainFactColumns))
        let check = try DatabaseQueue(path: fixture.folder.database.path)
        let (sealed, hashes) = try check.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM file WHERE sealed_facts IS NOT NULL")!,
             try String.fetchAll(db, sql: "SELECT original_sha256 FROM file ORDER BY id"))
        }
        #expect(sealed == 0, "the sealing of files 1 and 2 was rolled back with the rest")
        #expect(hashes == files.map(\.originalSHA256))
        try check.write { db in try db.execute(sql: "UPDATE file SET removal_report = 'null' WHERE id = 3") }
        try check.close()
        let desk = try ReviewDesk(folder: fixture.folder)
        #expect(try desk.openedFacts(identity: fixture.identity).count == 3)
        #expect(try StoreVerifier(desk: desk, log: try #require(desk.log)).run(identity: fixture.identity).problems.isEmpty)
    }
}

/// A data folder with one reviewer key and no store yet, removed when released.
final class UpgradeFixture {
    let root: URL
    let folder: DataFolder
    let identity = X25519PrivateKey.generate()

    /// A small valid PNG (1×1, RGBA) for an ingest after the upgrade.
    static let png: [UInt8] = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-upgrade-\(UUID().uuidString)")
        folder = DataFolder(root.appendingPathComponent("data").path)
        try folder.initialise()
        try folder.addRecipient(identity.publicKey)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func spool(_ bytes: [UInt8]) throws -> SpooledUpload {
        let file = try SpoolFile(in: folder.spool, sizeLimit: 1 << 30, budget: .shared)
        try file.append(bytes)
        return try file.finish()
    }
}
