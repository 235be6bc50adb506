import Foundation
import Logging
import NIOPosix
import PostgresNIO
import PostgresStore

/// The PostgreSQL cluster the store tests use: the one EVIDENCE_TEST_POSTGRES_URL names (Scripts/test.sh starts
/// one), or else one started here through Scripts/postgres-test-server.sh when PostgreSQL is installed; it stops
/// by itself when this process ends. Each call to `freshDatabase` makes a new, empty database in it.
public enum PostgresTestServer {
    static let environmentURL = ProcessInfo.processInfo.environment["EVIDENCE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Under Scripts/test.sh the PostgreSQL cases must run: a missing server then fails them instead of skipping.
    public static let isRequired = ProcessInfo.processInfo.environment["EVIDENCE_REQUIRE_POSTGRES"] == "1"

    public static let isAvailable: Bool = environmentURL != nil || isRequired
        || FileManager.default.fileExists(atPath: "/usr/lib/postgresql")

    /// The cluster's administrative URL (database "postgres").
    public static func serverURL() throws -> String { try server.get() }

    /// A new empty database in the test cluster, named for nothing but a random id.
    public static func freshDatabase() throws -> PostgresLocation {
        var location = try PostgresLocation(url: try server.get())
        let name = "store_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: .init(
                host: location.host, port: location.port, username: location.username, password: location.password,
                database: location.database, tls: .disable),
            id: 0, logger: logger
        ).wait()
        defer { _ = try? admin.close().wait() }
        _ = try admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger).wait()
        location.database = name
        return location
    }

    /// A new empty database, as the postgres:// URL that `--store` and EVIDENCE_STORE take.
    public static func freshDatabaseURL() throws -> String {
        let location = try freshDatabase()
        var url = URLComponents()
        url.scheme = "postgres"
        url.user = location.username
        url.password = location.password
        url.host = location.host
        url.port = location.port
        url.path = "/" + location.database
        url.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return url.string!
    }

    static let logger = Logger(label: "postgres-test-server")

    private static let server: Result<String, any Error> = Result {
        if let environmentURL { return environmentURL }
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-postgres-\(getpid())")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [repository.appendingPathComponent("Scripts/postgres-test-server.sh").path, "start", folder.path, "\(getpid())"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The URL is printed once the cluster answers, and the script's end closes the pipe; its exit is not awaited
        // (as in S3TestServer: waitUntilExit was seen to hang when a script leaves a server running).
        let url = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("postgres://") else {
            throw StartFailed(description: "Scripts/postgres-test-server.sh did not start a cluster (see \(folder.path)/server.log)")
        }
        return url
    }

    struct StartFailed: Error, CustomStringConvertible { let description: String }
}
