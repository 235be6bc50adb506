import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation
import ObjectBlobStore
import PostgresStore

@main
struct EvidenceReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence-review",
        abstract: "Work the evidence queue: list, show, review, decide, note, tag, export, purge, verify.",
        discussion: """
            Every command takes --data DIR (default $EVIDENCE_DATA or ./evidence-data). Exit codes: 0 success,
            1 a check failed, 2 a usage or input error. Shell completion: evidence-review --generate-completion-script bash
            Example: evidence-review list --status all
            """,
        subcommands: [
            KeygenCommand.self, KeysCommand.self, ListCommand.self, ShowCommand.self, ReviewCommand.self, ExportCommand.self,
            ApproveCommand.self, RejectCommand.self, ReplyCommand.self, NoteCommand.self, TagCommand.self,
            HoldCommand.self, PurgeCommand.self, StatsCommand.self, VerifyCommand.self, LookupCommand.self, LogCommand.self,
        ])

    /// Exit codes of DESIGN.md: 0 success, 1 a check failed, 2 usage or input error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CheckFailed {
            FileHandle.standardError.write(Data("evidence-review: \(failure.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // ArgumentParser's own usage errors get its full message; ours are one line.
            let text = code == .validationFailure ? fullMessage(for: error) : "evidence-review: error: \(error)"
            FileHandle.standardError.write(Data((text + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// A usage or input problem, told in one line (exit 2).
struct ReviewFailure: Error, CustomStringConvertible {
    let description: String
}

/// A check that found a mismatch (exit 1).
struct CheckFailed: Error, CustomStringConvertible {
    let description: String
}

/// Options every command shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The data folder (default: $EVIDENCE_DATA or ./evidence-data).")
    var data: String?

    @Option(name: .long, help: "Sealed files in an S3 bucket, s3://ACCESS:SECRET@HOST[:PORT]/BUCKET[?…] (default: $EVIDENCE_BLOBS, the config file's \"blobs\", else the data folder's blobs/).")
    var blobs: String?

    @Option(name: .long, help: "The metadata store in PostgreSQL, postgres://USER:PASSWORD@HOST[:PORT]/DATABASE[?sslmode=disable] (default: $EVIDENCE_STORE, the config file's \"store\", else the data folder's evidence.sqlite).")
    var store: String?

    var folder: DataFolder { DataFolder(data ?? DataFolder.defaultPath()) }

    /// The bucket `--blobs` or EVIDENCE_BLOBS names, else the data folder's blobs/.
    func openBlobStore() throws -> any BlobStore {
        guard let url = blobs ?? ProcessInfo.processInfo.environment["EVIDENCE_BLOBS"] ?? ReviewerConfig.load()?.blobs, !url.isEmpty else {
            return LocalBlobStore(root: folder.blobs)
        }
        return try S3BlobStore(s3URL: url)
    }

    func openDesk() throws -> ReviewDesk {
        let storeURL = store ?? ProcessInfo.processInfo.environment["EVIDENCE_STORE"] ?? ReviewerConfig.load()?.store
        return try ReviewDesk(folder: folder, blobs: openBlobStore(), store: StoreURL.open(storeURL))
    }

    func openLog() throws -> TransparencyLog {
        guard let log = try openDesk().log else { throw ReviewFailure(description: "the data folder has no log signing key") }
        return log
    }
}
