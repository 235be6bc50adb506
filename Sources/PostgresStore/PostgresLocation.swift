import Foundation

/// Where the PostgreSQL database is: a `postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=disable|require]` URL
/// (also `postgresql://`). The password never appears in `description`.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// TLS to the database; off only when the URL says `sslmode=disable` (a loopback or private network).
    public var requiresTLS: Bool

    public init(url text: String) throws {
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw PostgresStoreError.badURL("write it as postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=disable]")
        }
        self.host = host
        port = url.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = url.password.map { $0.removingPercentEncoding ?? $0 }
        let name = String(url.path.drop { $0 == "/" })
        database = name.isEmpty ? username : name
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "require"
        guard ["disable", "require"].contains(mode) else {
            throw PostgresStoreError.badURL("sslmode must be disable or require, not \(mode)")
        }
        requiresTLS = mode == "require"
    }

    /// Whether `text` names a PostgreSQL database rather than a path.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }
}

public enum PostgresStoreError: Error, CustomStringConvertible {
    case badURL(String)
    case unexpectedType(column: Int, type: String)

    public var description: String {
        switch self {
        case .badURL(let why): return "not a PostgreSQL URL: \(why)"
        case .unexpectedType(let column, let type): return "column \(column) has a type the store does not use (\(type))"
        }
    }
}
