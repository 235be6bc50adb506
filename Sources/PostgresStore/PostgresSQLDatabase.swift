import EvidenceCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// The store's database on PostgreSQL, shared by every server node and reviewer of a deployment. Calls block the
/// calling thread (the store is synchronous: the server calls it from its thread pool, the CLI from its own), so
/// they must not run on an event loop. Write transactions take one advisory lock, so writers are serialised across
/// all nodes as SQLite serialises them in one file: the transparency log stays one gap-free tree.
public final class PostgresSQLDatabase: SQLDatabase {
    public let location: String
    private let configuration: PostgresConnection.Configuration
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    private let logger: Logger
    /// Connections not in use; at most `maxConnections` are in use at once, other callers wait for one.
    private let idle = Mutex<[PostgresConnection]>([])
    private let available: DispatchSemaphore
    private let nextID = Atomic<Int>(0)

    /// The advisory lock every write transaction holds ("evidence" in ASCII).
    static let writeLock: Int64 = 0x6576_6964_656E_6365

    /// Connects, creating or migrating the schema if needed.
    public init(_ place: PostgresLocation, maxConnections: Int = 8) throws {
        location = place.description
        var logger = Logger(label: "evidence-drop.postgres")
        logger.logLevel = .error
        self.logger = logger
        let tls: PostgresConnection.Configuration.TLS =
            place.requiresTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        configuration = PostgresConnection.Configuration(
            host: place.host, port: place.port, username: place.username, password: place.password, database: place.database,
            tls: tls)
        available = DispatchSemaphore(value: maxConnections)
        try PostgresMigrations.migrate(self)
    }

    deinit {
        // A connection must be closed before it is released: the close's callback holds it until then.
        for connection in idle.withLock({ $0 }) { connection.close().whenComplete { _ in withExtendedLifetime(connection) {} } }
    }

    public func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try transaction(begin: "BEGIN", lock: true, body)
    }

    /// PostgreSQL checks its own pages; nothing for the store to add (SQLite's integrity check has no counterpart).
    public func integrityProblems() throws -> [String] {
        try read { session in _ = try session.rows("SELECT 1") }
        return []
    }

    public func columnNames(of table: String, in session: any SQLSession) throws -> Set<String> {
        Set(try session.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?", [table]
        ).map { try $0.string(0) })
    }

    public var plainFactsRemoval: [String] {
        [
            "DROP TRIGGER IF EXISTS file_duplicate_hash ON file",
            "DROP FUNCTION IF EXISTS note_duplicate_hash()",
            "DROP TABLE IF EXISTS duplicate_hash",
            "DROP INDEX IF EXISTS file_on_original_sha256",
            "DROP INDEX IF EXISTS file_on_cleaned_sha256",
            "ALTER TABLE file " + EvidenceStore.plainFactColumns.map { "DROP COLUMN \($0)" }.joined(separator: ", "),
        ]
    }

    /// VACUUM FULL writes the table anew from its live rows; the old file is removed. PostgreSQL has no
    /// secure_delete: old WAL segments keep the dropped values until they are recycled (docs/THREAT-MODEL.md).
    public func reclaimFreedSpace() throws {
        try withSession { session in try session.execute("VACUUM FULL file") }
    }

    /// Runs `body` with a connection of the pool, which it has to itself meanwhile.
    private func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try withConnection { connection in try body(PostgresSession(connection: connection, logger: logger)) }
    }

    private func transaction<T>(begin: String, lock: Bool = false, _ body: (any SQLSession) throws -> T) throws -> T {
        try withSession { session in
            try session.execute(begin)
            do {
                if lock { try session.execute("SELECT pg_advisory_xact_lock(?)", [Self.writeLock]) }
                let value = try body(session)
                try session.execute("COMMIT")
                return value
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        available.wait()
        defer { available.signal() }
        // Connections the server closed meanwhile (a restart, an idle timeout) are dropped, not tried.
        let reusable = idle.withLock { idle in
            while let connection = idle.popLast() {
                if !connection.isClosed { return Optional(connection) }
            }
            return nil
        }
        let connection = try reusable ?? connect()
        // A transaction that failed was rolled back, so its connection can serve again unless it was lost.
        defer { if !connection.isClosed { idle.withLock { $0.append(connection) } } }
        return try body(connection)
    }

    private func connect() throws -> PostgresConnection {
        let id = nextID.add(1, ordering: .relaxed).newValue
        return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
    }
}

/// Statements on one connection. `?` placeholders become `$1`, `$2`, … (the store's SQL has no `?` elsewhere).
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws {
        _ = try run(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow] {
        try run(sql, arguments).rows.map { row in
            SQLRow(try row.enumerated().map { column, cell in try Self.value(cell, column: column) })
        }
    }

    private func run(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> PostgresQueryResult {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument.sqlValue {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings)
        return try connection.query(query, logger: logger).wait()
    }

    static func numbered(_ sql: String) -> String {
        var result = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func value(_ cell: PostgresCell, column: Int) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
        case .bytea: return .blob(Data(try cell.decode(ByteBuffer.self).readableBytesView))
        default: throw PostgresStoreError.unexpectedType(column: column, type: "\(cell.dataType)")
        }
    }
}
