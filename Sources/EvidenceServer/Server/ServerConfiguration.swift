import EvidenceCore
import Foundation

/// Everything `evidence-drop serve` needs, with the embedded defaults.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var dataFolder = DataFolder(DataFolder.defaultPath())
    /// Where sealed files are kept; nil for the data folder's blobs/.
    public var blobs: (any BlobStore)?
    /// The metadata store (PostgreSQL, shared by several nodes); nil for the data folder's SQLite database.
    public var store: EvidenceStore?
    /// The web form and its assets.
    public var publicFolder: URL
    public var limits = SubmissionLimits()
    /// Sent as `Onion-Location` on every response when set.
    public var onionAddress: String?

    public init(publicFolder: URL) {
        self.publicFolder = publicFolder
    }

    /// `Public/` found from `EVIDENCE_PUBLIC`, the working folder, or upwards from the executable.
    public static func locatePublicFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let path = environment["EVIDENCE_PUBLIC"] { return URL(fileURLWithPath: path, isDirectory: true) }
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.map { $0.appendingPathComponent("Public", isDirectory: true) }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("submit.js").path) }
    }
}
