/// Why a log entry could not be built or read back.
public enum LogEntryError: Error, Equatable, CustomStringConvertible {
    /// A value given for an entry is outside what the format allows.
    case invalidValue(field: String, value: String, expected: String)
    /// The bytes are not a version 1 log entry; `line` counts from 1.
    case malformed(line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidValue(let field, let value, let expected):
            return "log entry field \"\(field)\" cannot be \"\(value)\"; it must be \(expected)"
        case .malformed(let line, let reason):
            return "log entry line \(line): \(reason); the entry was altered or written by another program (see docs/TRANSPARENCY-LOG.md)"
        }
    }
}
