import Foundation

/// The database under the evidence store. The store's rules (a log entry in the transaction of each change it
/// records, custody with every action, checks inside write transactions) are written once, in SQL that SQLite and
/// PostgreSQL both run; a backend only opens transactions and runs statements. Placeholders are written `?`.
public protocol SQLDatabase: Sendable {
    /// A consistent snapshot for the whole of `body`.
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// One write transaction, serialised with every other writer of the same database (on PostgreSQL, across all
    /// the nodes that share it), committed when `body` returns and rolled back when it throws.
    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T
    /// What the database itself finds damaged; empty when it is sound.
    func integrityProblems() throws -> [String]
    /// Where it is, for messages (never with a password).
    var location: String { get }
    /// The names of a table's columns, read in the transaction of `session`.
    func columnNames(of table: String, in session: any SQLSession) throws -> Set<String>
    /// The statements that remove the files' plain hash and size columns, with the triggers, indexes and table
    /// that used them, once their values are sealed (`EvidenceStore.sealPlainFacts`): each backend names its own.
    var plainFactsRemoval: [String] { get }
    /// Rewrites the file table so that no page keeps a deleted value (VACUUM), outside any transaction.
    func reclaimFreedSpace() throws
}

/// Statements inside one transaction.
public protocol SQLSession {
    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws
    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow]
    /// Calls `body` with each result row in turn. A backend may read the columns in place, without building every
    /// row first: the columns are valid only during the call.
    func forEachRow(_ sql: String, _ arguments: [any SQLValueConvertible], _ body: (any SQLColumns) throws -> Void) throws
}

extension SQLSession {
    public func forEachRow(_ sql: String, _ arguments: [any SQLValueConvertible], _ body: (any SQLColumns) throws -> Void) throws {
        for row in try rows(sql, arguments) { try body(row) }
    }

    public func execute(_ sql: String) throws { try execute(sql, []) }

    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    public func row(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of every row, as integers.
    public func int64s(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> [Int64] {
        try rows(sql, arguments).map { try $0.int64(0) }
    }
}

/// `?, ?, ?` for an IN list of `count` values (at least one, so the SQL stays valid).
func sqlPlaceholders(_ count: Int) -> String {
    Array(repeating: "?", count: max(count, 1)).joined(separator: ", ")
}
