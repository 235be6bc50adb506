import Foundation

/// A value bound to a statement or read from a row, in the few types the store uses.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob(Data)
}

/// Conversions to a bound value, so store code can write `[id, name, data]`.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension Int64: SQLValueConvertible { public var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLValueConvertible { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Bool: SQLValueConvertible { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension String: SQLValueConvertible { public var sqlValue: SQLValue { .text(self) } }
extension Data: SQLValueConvertible { public var sqlValue: SQLValue { .blob(self) } }
extension SQLValue: SQLValueConvertible { public var sqlValue: SQLValue { self } }

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One result row, read by column position.
public struct SQLRow: SQLColumns, Sendable {
    public let values: [SQLValue]

    public init(_ values: [SQLValue]) { self.values = values }

    public func int64(_ column: Int) throws -> Int64 {
        guard case .integer(let value) = values[column] else { throw SQLRowError.unexpected(column, values[column], "an integer") }
        return value
    }

    public func string(_ column: Int) throws -> String {
        guard case .text(let value) = values[column] else { throw SQLRowError.unexpected(column, values[column], "text") }
        return value
    }

    public func data(_ column: Int) throws -> Data {
        guard case .blob(let value) = values[column] else { throw SQLRowError.unexpected(column, values[column], "bytes") }
        return value
    }

    public func isNull(_ column: Int) -> Bool { values[column] == .null }
}

public enum SQLRowError: Error, CustomStringConvertible {
    case unexpected(Int, SQLValue, String)

    public var description: String {
        switch self {
        case .unexpected(let column, let value, let expected): return "column \(column) holds \(value), not \(expected)"
        }
    }
}
