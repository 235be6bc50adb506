import EvidenceCore
import EvidenceCrypto
@testable import EvidenceServer
import Foundation
import Hummingbird
import HummingbirdTesting

/// A data folder with one reviewer key, and a live server over it on a free port.
struct TestServer {
    static let passphrase = "test passphrase for the reviewer"

    let folder: TestFolder
    let data: DataFolder
    let identity: X25519PrivateKey
    let keyFile: URL
    let logs = LogRecorder()

    init() throws {
        folder = try TestFolder()
        data = DataFolder(folder.path("data").path)
        try data.initialise()
        identity = X25519PrivateKey.generate()
        try data.addRecipient(identity.publicKey)
        // The reviewer's key lives outside the data folder, as in real use.
        keyFile = folder.path("reviewer.key")
        try identity.encryptedPEM(passphrase: Self.passphrase).write(to: keyFile, atomically: true, encoding: .utf8)
    }

    var configuration: ServerConfiguration {
        var configuration = ServerConfiguration(publicFolder: Paths.publicFolder)
        configuration.dataFolder = data
        configuration.port = 0
        return configuration
    }

    /// Runs `body` with the port of a live server.
    func run<Value: Sendable>(
        acceptingUnknownTypes: Bool = false, allowingOriginals: Bool = true, onionAddress: String? = nil,
        maxFileBytes: Int64? = nil, maxSubmissionBytes: Int64? = nil, limits adjust: (inout SubmissionLimits) -> Void = { _ in },
        _ body: @escaping @Sendable (Int) async throws -> Value
    ) async throws -> Value {
        var configuration = configuration
        adjust(&configuration.limits)
        if let maxFileBytes { configuration.limits.maxFileBytes = maxFileBytes }
        if let maxSubmissionBytes { configuration.limits.maxSubmissionBytes = maxSubmissionBytes }
        configuration.onionAddress = onionAddress
        configuration.limits.acceptsUnknownTypes = acceptingUnknownTypes
        configuration.limits.allowsKeepingOriginals = allowingOriginals
        let app = try EvidenceApplication.build(configuration, logger: logs.logger())
        return try await app.test(.live) { client in
            try await body(client.port!)
        }
    }

    /// Runs `evidence-review` against this data folder with the key passphrase in the environment. The config file
    /// of whoever runs the tests is kept out (unless `environment` names one), so it cannot change the actor strings.
    func review(
        _ arguments: [String], passphrase: String = TestServer.passphrase, environment: [String: String] = [:]
    ) async throws -> Subprocess.Result {
        let isolated = ["EVIDENCE_KEY_PASSPHRASE": passphrase, "EVIDENCE_REVIEW_CONFIG": folder.path("no-config.json").path]
        return try await Subprocess.run(
            Paths.binaries.appendingPathComponent("evidence-review").path,
            arguments + ["--data", data.root.path],
            environment: isolated.merging(environment) { $1 })
    }
}

/// Uploads with curl, as a browser or script would, from a chosen loopback address.
enum Upload {
    struct Answer {
        let status: Int
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var receipt: Receipt? { try? JSONDecoder().decode(Receipt.self, from: body) }
    }

    static func send(
        port: Int, files: [URL], message: String? = nil, json: Bool = true,
        userAgent: String = "evidence-test", from address: String = "127.0.0.1"
    ) async throws -> Answer {
        // curl waits this long for "100 Continue" before sending a large body anyway: long enough that a server that
        // never answers it shows as a clear delay, whatever the load on the machine.
        var arguments = ["-sS", "--interface", address, "-A", userAgent, "-w", "\n%{http_code}", "--expect100-timeout", "10"]
        if json { arguments += ["-H", "Accept: application/json"] }
        for file in files { arguments += ["-F", "files=@\(file.path)"] }
        // --form-string: curl would read ";" and a leading "@" or "<" in -F values as its own syntax.
        if let message { arguments += ["--form-string", "message=\(message)"] }
        arguments.append("http://127.0.0.1:\(port)/submissions")
        let result = try await Subprocess.run("curl", arguments)
        guard result.status == 0 else { throw UploadFailed(reason: result.stderr) }
        var body = result.stdout
        let statusLine = body.lastIndex(of: 10).map { body.suffix(from: $0 + 1) } ?? Data()
        body = body.prefix(body.count - statusLine.count - 1)
        return Answer(status: Int(String(decoding: statusLine, as: UTF8.self)) ?? 0, body: body)
    }

    struct UploadFailed: Error {
        let reason: String
    }
}
