import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import EvidenceServer
import Foundation
import Hummingbird
import Logging
import ObjectBlobStore
import PostgresStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the submission server (initialises an empty data folder on first run).")

    @OptionGroup var dataOption: DataOption

    @Option(help: "Keep sealed files in an S3 bucket: s3://ACCESS:SECRET@HOST[:PORT]/BUCKET[?region=…&style=path|virtualHost&scheme=https|http] (default: $EVIDENCE_BLOBS, else the data folder's blobs/; the environment keeps the secret out of ps).")
    var blobs: String?

    @Option(help: "Keep the metadata store in PostgreSQL, shared by several nodes: postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=disable] (default: $EVIDENCE_STORE, else the data folder's evidence.sqlite; the environment keeps the password out of ps).")
    var store: String?

    @Option(help: "Address to listen on (default: $EVIDENCE_HOST or 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (default: $EVIDENCE_PORT or 8080).")
    var port: Int?

    @Option(name: .customLong("recipient"), help: "A reviewer public key (FILE.pub) to install into the data folder's recipients/.")
    var recipients: [String] = []

    @Flag(help: "Accept files of unknown types uncleaned, with a warning on the receipt (default: refuse them; also $EVIDENCE_ACCEPT_UNKNOWN_TYPES=1).")
    var acceptUnknownTypes = false

    @Flag(help: "Do not offer submitters to keep their original with its metadata (also $EVIDENCE_NO_KEEP_ORIGINAL=1).")
    var noKeepOriginal = false

    @Option(help: "Your onion service's address (xyz.onion), sent as Onion-Location (also $EVIDENCE_ONION_ADDRESS).")
    var onionAddress: String?

    @Option(help: "The web form folder (default: Public/ beside the working folder or the executable).")
    var publicFolder: String?

    @Option(help: "Largest file accepted, e.g. 4GiB (default 4GiB; also $EVIDENCE_MAX_FILE_SIZE).")
    var maxFileSize: String?

    @Option(help: "Largest submission (all files and the message), e.g. 16GiB (default; also $EVIDENCE_MAX_SUBMISSION_SIZE).")
    var maxSubmissionSize: String?

    @Option(help: "Most files in one submission (default 50; also $EVIDENCE_MAX_FILES).")
    var maxFiles: Int?

    @Option(help: "Longest message, in characters as the form counts them (default 20000; also $EVIDENCE_MAX_MESSAGE_CHARACTERS).")
    var maxMessageCharacters: Int?

    @Option(help: "Uploads handled at once; when all are taken a newcomer replaces one that crawls below 4 KiB/s, or waits 2 s, then gets 503 with Retry-After (default 64; also $EVIDENCE_MAX_CONCURRENT_UPLOADS).")
    var maxConcurrentUploads: Int?

    @Option(help: "Memory the cleaning of all uploads may hold at once in large buffers (a video's index); past it an upload gets 503 (default 512MiB; also $EVIDENCE_SCRUB_MEMORY).")
    var scrubMemory: String?

    @Option(help: "Open connections at most; an eighth of them (at most 64) is kept free by closing the oldest idle connection (default 1024; also $EVIDENCE_MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(help: "Files checked against the log at once (POST /verify), apart from the uploads' places (default 8; also $EVIDENCE_MAX_CONCURRENT_VERIFICATIONS).")
    var maxConcurrentVerifications: Int?

    @Option(help: "On SIGTERM, stop taking new connections and let uploads in flight finish for this many seconds, then exit (default 30; also $EVIDENCE_DRAIN_SECONDS).")
    var drainSeconds: Int?

    @Option(help: "Switch on proof of work under attack: the browser solves a puzzle of this many bits (18-22 is seconds on a phone); without JavaScript a submission waits 30 s. 0 is off (also $EVIDENCE_PROOF_OF_WORK).")
    var proofOfWork: Int?

    @Option(help: "Free space uploads must leave on the data disk: 2GiB, 5%, or both (the smaller applies; default 2GiB,5%; 0 for none; also $EVIDENCE_MIN_FREE).")
    var minFree: String?

    @Option(help: "Remove a resumable upload this many hours after it began if the form naming it was not sent (default 24; also $EVIDENCE_PARTIAL_UPLOAD_HOURS).")
    var partialUploadHours: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let publicURL = publicFolder.map({ URL(fileURLWithPath: $0) }) ?? ServerConfiguration.locatePublicFolder() else {
            throw CommandFailure(description: "cannot find the Public/ folder with the web form; pass --public-folder DIR")
        }
        var configuration = ServerConfiguration(publicFolder: publicURL)
        configuration.dataFolder = dataOption.folder
        configuration.host = host ?? environment["EVIDENCE_HOST"] ?? configuration.host
        if let port = port ?? environment["EVIDENCE_PORT"].flatMap(Int.init) { configuration.port = port }
        configuration.onionAddress = onionAddress ?? environment["EVIDENCE_ONION_ADDRESS"]
        configuration.limits.allowsKeepingOriginals = !(noKeepOriginal || environment["EVIDENCE_NO_KEEP_ORIGINAL"] == "1")
        configuration.limits.acceptsUnknownTypes = acceptUnknownTypes || environment["EVIDENCE_ACCEPT_UNKNOWN_TYPES"] == "1"
        try applyLimits(to: &configuration.limits, environment: environment)
        var objectStore: S3BlobStore?
        if let url = blobs ?? environment["EVIDENCE_BLOBS"], !url.isEmpty {
            objectStore = try S3BlobStore(s3URL: url)
            configuration.blobs = objectStore
        }

        let storeURL = store ?? environment["EVIDENCE_STORE"]
        configuration.store = try await onThreadOfItsOwn { try StoreURL.open(storeURL) }

        try configuration.dataFolder.initialise()
        for path in recipients {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw CommandFailure(description: "cannot read the recipient key \(path)")
            }
            try configuration.dataFolder.addRecipient(X25519PublicKey(pem: text))
        }
        LoggingSystem.bootstrap(HourStampedLogHandler.init)
        var logger = Logger(label: "evidence-drop")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let app = try await onThreadOfItsOwn { [configuration, logger] in try EvidenceApplication.build(configuration, logger: logger) }
        let keys = try configuration.dataFolder.loadRecipients()
        Self.say("evidence-drop: data folder \(configuration.dataFolder.root.path)")
        if let objectStore {
            // The configuration's description names the endpoint and bucket, never the secret.
            Self.say("evidence-drop: sealed files in \(objectStore.client.configuration)")
        }
        Self.say("evidence-drop: sealing to \(keys.count) reviewer key(s): \(keys.map(\.fingerprint).joined(separator: ", "))")
        if let store = configuration.store { Self.say("evidence-drop: metadata in \(store.database.location)") }
        let logStore = try configuration.store ?? EvidenceStore(url: configuration.dataFolder.database)
        let log = try TransparencyLog(folder: configuration.dataFolder, store: logStore)
        Self.say("evidence-drop: transparency log key \(log.verifierKey)")
        Self.say("evidence-drop: listening on http://\(configuration.host):\(configuration.port)/")
        let drain = drainSeconds ?? environment["EVIDENCE_DRAIN_SECONDS"].flatMap(Int.init) ?? 30
        let deadline = DrainDeadline(seconds: drain)
        deadline.arm()
        try await app.runService()
        Self.say("evidence-drop: stopped")
    }

    /// Writes a line of the summary to standard output at once: `print` would hold it in a buffer, until exit, when
    /// the output goes to a file or a journal.
    private static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// The limits from options, else the environment, else the defaults; a value that does not parse is an error.
    func applyLimits(to limits: inout SubmissionLimits, environment: [String: String]) throws {
        func size(_ option: String?, _ variable: String) throws -> Int64? {
            guard let text = option ?? environment[variable] else { return nil }
            guard let value = ByteCountText.parse(text), value > 0 else {
                throw CommandFailure(description: "'\(text)' is not a size: write it like 4GiB, 500MB or 1000000")
            }
            return value
        }
        func count(_ option: Int?, _ variable: String) throws -> Int? {
            guard let value = option ?? environment[variable].flatMap(Int.init) else { return nil }
            guard value > 0 else { throw CommandFailure(description: "\(variable.lowercased()) must be at least 1") }
            return value
        }
        if let value = try size(maxFileSize, "EVIDENCE_MAX_FILE_SIZE") { limits.maxFileBytes = value }
        if let value = try size(scrubMemory, "EVIDENCE_SCRUB_MEMORY") { limits.scrubMemoryBytes = Int(value) }
        if let value = try size(maxSubmissionSize, "EVIDENCE_MAX_SUBMISSION_SIZE") { limits.maxSubmissionBytes = value }
        if let value = try count(maxFiles, "EVIDENCE_MAX_FILES") { limits.maxFiles = value }
        if let value = try count(maxMessageCharacters, "EVIDENCE_MAX_MESSAGE_CHARACTERS") { limits.maxMessageCharacters = value }
        if let value = try count(maxConcurrentUploads, "EVIDENCE_MAX_CONCURRENT_UPLOADS") { limits.maxConcurrentUploads = value }
        if let value = try count(maxConnections, "EVIDENCE_MAX_CONNECTIONS") { limits.maxConnections = value }
        if let value = try count(maxConcurrentVerifications, "EVIDENCE_MAX_CONCURRENT_VERIFICATIONS") {
            limits.maxConcurrentVerifications = value
        }
        if let hours = try count(partialUploadHours, "EVIDENCE_PARTIAL_UPLOAD_HOURS") { limits.partialUploadMaxAge = TimeInterval(hours) * 3600 }
        if let bits = proofOfWork ?? environment["EVIDENCE_PROOF_OF_WORK"].flatMap(Int.init) {
            guard (0...32).contains(bits) else { throw CommandFailure(description: "--proof-of-work takes 0 (off) to 32 bits; 20 is a good start") }
            limits.proofOfWorkBits = bits
        }
        if let text = minFree ?? environment["EVIDENCE_MIN_FREE"] {
            guard let floor = FreeSpaceFloor(parsing: text) else {
                throw CommandFailure(description: "'\(text)' is not a free-space floor: write 2GiB, 5%, 2GiB,5% or 0")
            }
            limits.freeSpaceFloor = floor
        }
    }
}
