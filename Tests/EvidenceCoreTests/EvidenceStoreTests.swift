import EvidenceCore
import Testing

struct EvidenceStoreTests {
    @Test("the database runs in WAL with secure_delete and full auto_vacuum, and every commit is fsync'd")
    func pragmas() throws {
        let fixture = try CoreFixture()
        let store = try EvidenceStore(url: fixture.folder.database)
        #expect(try store.pragma("journal_mode") == "wal")
        // 2 is FULL: the WAL is fsync'd at each commit, before a receipt is given (GRDB's own default is NORMAL).
        #expect(try store.pragma("synchronous") == "2")
        #expect(try store.pragma("secure_delete") == "1")
        #expect(try store.pragma("auto_vacuum") == "1")
        // Opening again (as every reviewer command does) migrates nothing and keeps the settings.
        let again = try EvidenceStore(url: fixture.folder.database)
        #expect(try again.pragma("auto_vacuum") == "1")
        #expect(try again.pragma("synchronous") == "2")
        #expect(try again.files(status: nil).isEmpty)
    }
}

/// The two migration lists are kept by hand: they must build the same tables with the same columns.
@Suite(.enabled(if: StoreBackend.all.contains(.postgres), "no PostgreSQL to compare with"))
struct SchemaTwinTests {
    @Test("SQLite and PostgreSQL have the same tables with the same columns")
    func sameTablesAndColumns() throws {
        let sqliteFixture = try CoreFixture(.sqlite)
        let postgresFixture = try CoreFixture(.postgres)
        let sqlite = try sqliteFixture.store.database.read { session in
            var tables: [String: [String]] = [:]
            let names = try session.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'"
            ).map { try $0.string(0) }
            for name in names { tables[name] = try session.rows("PRAGMA table_info(\(name))").map { try $0.string(1) }.sorted() }
            return tables
        }
        let postgres = try postgresFixture.store.database.read { session in
            let rows = try session.rows("""
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name <> 'schema_migration'
                """)
            return try Dictionary(grouping: rows.map { (try $0.string(0), try $0.string(1)) }, by: \.0).mapValues { $0.map(\.1).sorted() }
        }
        // The comparison sees every table (a query that found none would agree with itself).
        #expect(Set(["submission", "file", "custody", "log_entry", "checkpoint", "tag", "partial_segment"]).isSubset(of: sqlite.keys))
        #expect(sqlite == postgres)
    }
}
