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
        commandName: "checkpoint",
        abstract: "Print a signed checkpoint of the log as it is now (a signed note, on stdout), and the key that verifies it (on stderr).",
        discussion: "Example: evidence-review log checkpoint > checkpoint.txt && Scripts/verify_log.py checkpoint --key KEY checkpoint.txt")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let log = try store.openLog()
        // Only the note on stdout, so that what is redirected to a file is a valid signed note.
        print(try log.checkpoint(), terminator: "")
        FileHandle.standardError.write(Data("verifier key: \(log.verifierKey)\n".utf8))
    }
}

struct LogProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Print the inclusion proof (JSON) of a file's 'received' entry, by file id or SHA-256.",
        discussion: """
            By id, --key adds the file's cleaned SHA-256 and the opening of its commitments, so that
            Scripts/verify_log.py checks the file against the entry. By an original or cleaned SHA-256, give the
            opening from the receipt (--opening): the log holds commitments, not hashes.
            Example: evidence-review log prove 12 --key ~/reviewer.key > proof.json
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "A file id, or a file's SHA-256 (original or cleaned with --opening, or sealed).") var target: String
    @Option(help: "The opening from the submitter's receipt, with an original or cleaned SHA-256.") var opening: String?
    @Option(help: "Your private key: by id, adds the cleaned SHA-256 and the opening to the proof.") var key: String?

    func run() throws {
        let desk = try store.openDesk()
        guard let log = desk.log else { throw ReviewFailure(description: "the data folder has no log signing key") }
        if let id = Int64(target), target.count < 64 {
            guard let received = try log.store.logEntries(fileID: id).first(where: { $0.text.contains("\nkind received\n") }) else {
                throw ReviewFailure(description: "file \(id) has no 'received' entry in the log")
            }
            var proof = try log.inclusionProof(index: received.index)
            if let key {
                let facts = try desk.store.file(id: id).opened(with: PassphrasePrompt.loadKey(key)).facts!
                proof.sha256 = facts.cleanedSHA256
                proof.opening = facts.opening
            }
            return print(try JSONOutput.encode(proof))
        }
        guard let proof = try log.inclusionProof(sha256: target, opening: opening) else {
            throw ReviewFailure(description: "no file with SHA-256 \(target)\(opening == nil ? " (without an opening, only a sealed SHA-256 is found)" : " and this opening") is in the log")
        }
        print(try JSONOutput.encode(proof))
    }
}

struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Find the files that have this SHA-256 (or the SHA-256 of this file).",
        discussion: """
            Original and cleaned SHA-256 are sealed to the reviewers: --key opens them all to compare (the store
            holds no hash to look up). Without --key only a sealed copy's SHA-256 is found.
            Examples:
              evidence-review lookup ~/Downloads/video.mp4 --key ~/reviewer.key
              evidence-review lookup 4fb0a681632d618a2a35f463127e3e39ab5eac683f88e7945f9b3ea82692d843 --key ~/reviewer.key
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "A file to hash, or a SHA-256 in hex.") var target: String
    @Option(help: "Your private key, to compare with the files' sealed original and cleaned SHA-256.") var key: String?

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
        let desk = try store.openDesk()
        var matches: [(id: Int64, which: [String])] = []
        if let (fileID, _) = try desk.store.receivedLogIndex(sha256: sha) { matches.append((fileID, ["sealed"])) }
        if let key {
            let facts = try desk.openedFacts(identity: PassphrasePrompt.loadKey(key))
            for (id, facts) in facts.sorted(by: { $0.key < $1.key }) {
                let which = [("original", facts.originalSHA256), ("cleaned", facts.cleanedSHA256)].filter { $0.1 == sha }.map(\.0)
                if !which.isEmpty { matches.append((id, which)) }
            }
        }
        guard !matches.isEmpty else {
            throw CheckFailed(description: "\(sha) matches no file in this store\(key == nil ? " (without --key only sealed SHA-256 are compared)" : "")")
        }
        for match in matches {
            let file = try desk.store.file(id: match.id)
            let index = try desk.store.logEntries(fileID: match.id).first { $0.text.contains("\nkind received\n") }?.index
            print("\(sha): file \(match.id) (\(match.which.joined(separator: ", ")) SHA-256), submission \(file.submissionID), \(file.status.rawValue), log entry \(index.map(String.init) ?? "none")")
        }
    }
}
