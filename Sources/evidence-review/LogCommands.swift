import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "The transparency log: signed checkpoints and inclusion proofs.",
        discussion: "Example: evidence-review log prove 12 > proof.json && Scripts/verify_log.py inclusion proof.json",
        subcommands: [LogCheckpointCommand.self, LogProveCommand.self])
}

struct LogCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Print a signed checkpoint of the log as it is now, and the key that verifies it.",
        discussion: "Example: evidence-review log checkpoint > checkpoint.txt")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let log = try store.openLog()
        print(try log.checkpoint(), terminator: "")
        print("\nverifier key: \(log.verifierKey)")
    }
}

struct LogProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Print the inclusion proof (JSON) of a file's 'received' entry, by file id or SHA-256.",
        discussion: "Example: evidence-review log prove 12 > proof.json")

    @OptionGroup var store: StoreOptions
    @Argument(help: "A file id, or a file's original, cleaned or sealed SHA-256.") var target: String

    func run() throws {
        let log = try store.openLog()
        let sha: String
        if let id = Int64(target), target.count < 64 {
            sha = try log.store.file(id: id).cleanedSHA256
        } else {
            sha = target
        }
        guard let proof = try log.inclusionProof(sha256: sha) else {
            throw ReviewFailure(description: "no file with SHA-256 \(sha) is in the log")
        }
        print(try JSONOutput.encode(proof))
    }
}

struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Find the file that has this SHA-256 (or the SHA-256 of this file).",
        discussion: """
            Examples:
              evidence-review lookup ~/Downloads/video.mp4
              evidence-review lookup 4fb0a681632d618a2a35f463127e3e39ab5eac683f88e7945f9b3ea82692d843
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "A file to hash, or a SHA-256 in hex.") var target: String

    func run() throws {
        let sha: String
        if target.count == 64, Hex.decode(target) != nil, !FileManager.default.fileExists(atPath: target) {
            sha = target.lowercased()
        } else {
            guard let input = FileHandle(forReadingAtPath: target) else { throw ReviewFailure(description: "cannot read \(target)") }
            let hasher = SHA256Hasher()
            while let block = try input.read(upToCount: 1 << 20), !block.isEmpty { hasher.update([UInt8](block)) }
            sha = Hex.encode(hasher.finalize())
        }
        let log = try store.openLog()
        guard let (fileID, index) = try log.store.receivedLogIndex(sha256: sha) else {
            throw CheckFailed(description: "\(sha) matches no file in this store")
        }
        let file = try log.store.file(id: fileID)
        let which = [("original", file.originalSHA256), ("cleaned", file.cleanedSHA256), ("sealed", file.sealedSHA256)]
            .filter { $0.1 == sha }.map(\.0).joined(separator: ", ")
        print("\(sha): file \(fileID) (\(which) SHA-256), submission \(file.submissionID), \(file.status.rawValue), log entry \(index)")
    }
}
