import Foundation

/// The columns of the current result row, read by position: an `SQLRow` held in memory, or (on SQLite) the
/// statement itself while `forEachRow` steps through a large result.
public protocol SQLColumns {
    func int64(_ column: Int) throws -> Int64
    func string(_ column: Int) throws -> String
    func data(_ column: Int) throws -> Data
    func isNull(_ column: Int) -> Bool
    /// Text that holds a SHA-256 in hex, read without making a String of it where the backend allows.
    func sha256Text(_ column: Int) throws -> SHA256Text
}

extension SQLColumns {
    public func int(_ column: Int) throws -> Int { Int(try int64(column)) }

    public func bool(_ column: Int) throws -> Bool { try int64(column) != 0 }

    public func optionalInt64(_ column: Int) throws -> Int64? { isNull(column) ? nil : try int64(column) }
    public func optionalString(_ column: Int) throws -> String? { isNull(column) ? nil : try string(column) }
    public func optionalData(_ column: Int) throws -> Data? { isNull(column) ? nil : try data(column) }

    public func sha256Text(_ column: Int) throws -> SHA256Text { SHA256Text(try string(column)) }
}
