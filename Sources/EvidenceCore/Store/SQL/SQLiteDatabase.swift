import Foundation
import GRDB
import GRDBSQLite

/// The embedded default: one SQLite file in WAL mode (GRDB's DatabasePool), `secure_delete` on, full auto-vacuum.
public final class SQLiteDatabase: SQLDatabase {
    let pool: DatabasePool
    public let location: String

    /// Opens (creating and migrating if needed) the database at `url`.
    public init(url: URL) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // Deleted rows are overwritten, and freed pages returned to the file system.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        location = url.path
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                try Self.createWithFullAutoVacuum(url)
            }
            pool = try DatabasePool(path: url.path, configuration: config)
            // GRDB sets synchronous = NORMAL with WAL, where a commit reaches the disk only at the next WAL
            // checkpoint: a power cut could take back a submission whose receipt was already given. FULL fsyncs
            // the WAL at every commit (the group committer makes that one fsync for every submission arriving
            // together). The setting belongs to the connection: the pool's one writer is the one that commits.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try StoreMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw CoreError.storage("database \(url.path): \(error.message ?? error.description)")
        }
        FileSystem.setConstantModificationTime(url)
    }

    /// auto_vacuum can be set only before the first table exists and not in WAL mode, so a new database
    /// is created in rollback-journal mode with it set, before the pool switches it to WAL.
    private static func createWithFullAutoVacuum(_ url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = FULL")
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteSession(db: db)) }
    }

    public func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try pool.write { db in try body(SQLiteSession(db: db)) }
    }

    public func integrityProblems() throws -> [String] {
        try pool.read { db in
            let rows = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            return rows == ["ok"] ? [] : rows
        }
    }

    public func columnNames(of table: String, in session: any SQLSession) throws -> Set<String> {
        Set(try session.rows("SELECT name FROM pragma_table_info(?)", [table]).map { try $0.string(0) })
    }

    public var plainFactsRemoval: [String] {
        [
            "DROP TRIGGER IF EXISTS file_duplicate_hash_on_insert",
            "DROP TRIGGER IF EXISTS file_duplicate_hash_on_update",
            "DROP TABLE IF EXISTS duplicate_hash",
            "DROP INDEX IF EXISTS file_on_original_sha256",
            "DROP INDEX IF EXISTS file_on_cleaned_sha256",
        ] + EvidenceStore.plainFactColumns.map { "ALTER TABLE file DROP COLUMN \($0)" }
    }

    /// VACUUM rebuilds the file from the live rows (secure_delete has zeroed the freed pages already), and a
    /// truncating checkpoint empties the WAL, which still held the pages as they were before.
    public func reclaimFreedSpace() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// A pragma's current value on the connection that writes, for checks.
    public func pragma(_ name: String) throws -> String? {
        try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }
}

/// Statements on one GRDB connection, inside the transaction `SQLiteDatabase` opened.
struct SQLiteSession: SQLSession {
    let db: Database

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws {
        try db.execute(sql: sql, arguments: Self.arguments(arguments))
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow] {
        try Row.fetchAll(db, sql: sql, arguments: Self.arguments(arguments)).map { row in
            SQLRow(row.databaseValues.map { value in
                switch value.storage {
                case .null: .null
                case .int64(let number): .integer(number)
                case .double(let number): .integer(Int64(number))
                case .string(let text): .text(text)
                case .blob(let bytes): .blob(bytes)
                }
            })
        }
    }

    func forEachRow(_ sql: String, _ arguments: [any SQLValueConvertible], _ body: (any SQLColumns) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        let columns = SQLiteColumns(statement: statement.sqliteStatement)
        while try cursor.next() != nil { try body(columns) }
    }

    static func arguments(_ values: [any SQLValueConvertible]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value.sqlValue {
            case .null: nil
            case .integer(let number): number
            case .text(let text): text
            case .blob(let bytes): bytes
            }
        })
    }
}

/// The current row of a statement that GRDB steps, read with SQLite's own column calls (no `Row` decoding and no
/// `SQLValue` per column; a hash is read without making a String of it).
struct SQLiteColumns: SQLColumns {
    let statement: SQLiteStatement

    /// The column's type, refusing NULL where a value is required.
    private func requireValue(_ column: Int, _ expected: String) throws {
        guard !isNull(column) else { throw SQLRowError.unexpected(column, .null, expected) }
    }

    /// The column's text or bytes in place: valid until the statement steps on.
    private func bytes(_ column: Int, asText: Bool) -> UnsafeRawBufferPointer {
        let start = asText ? UnsafeRawPointer(sqlite3_column_text(statement, Int32(column))) : sqlite3_column_blob(statement, Int32(column))
        // The count is asked for after the pointer, as SQLite's documentation prescribes.
        let count = Int(sqlite3_column_bytes(statement, Int32(column)))
        return UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count)
    }

    func int64(_ column: Int) throws -> Int64 {
        try requireValue(column, "an integer")
        return sqlite3_column_int64(statement, Int32(column))
    }

    func string(_ column: Int) throws -> String {
        try requireValue(column, "text")
        return String(decoding: bytes(column, asText: true), as: UTF8.self)
    }

    func data(_ column: Int) throws -> Data {
        try requireValue(column, "bytes")
        return Data(bytes(column, asText: false))
    }

    func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL }

    func sha256Text(_ column: Int) throws -> SHA256Text {
        try requireValue(column, "text")
        return SHA256Text(utf8: bytes(column, asText: true))
    }
}
