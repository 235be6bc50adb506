import ArgumentParser
import EvidenceCore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Decrypt a file into a folder, check its SHA-256, and add it to the folder's manifest.sha256.",
        discussion: """
            With --status instead of an id, exports every file with that status: one folder per submission \
            (DIR/submission-<id>/), each with the decrypted files, its own manifest.sha256, and a custody and a proof \
            file per file; DIR/index.json lists every submission and file with its hashes and status. Purged files are \
            skipped, and said so.
            Example: evidence-review export 12 --key ~/reviewer.key --to ~/case-114
            Example: evidence-review export --status approved --key ~/reviewer.key --to ~/case-114
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id (see `list`); leave it out with --status.") var id: Int64?
    @Option(help: "Export every file with this status instead: approved, rejected, pending or all.") var status: StatusChoice?
    @Option(help: "Your private key (passphrase-protected).") var key: String
    @Option(help: "The folder to write into (created if missing).") var to: String
    @Flag(help: "Export the original kept at the submitter's request (with its metadata) instead of the cleaned copy.")
    var original = false

    func validate() throws {
        switch (id, status) {
        case (nil, nil): throw ValidationError("name a file id, or --status to export many (e.g. --status approved)")
        case (.some, .some): throw ValidationError("give a file id or --status, not both")
        case (nil, .some) where original: throw ValidationError("--original exports the kept original of one file id; leave it out with --status")
        default: break
        }
    }

    func run() throws {
        let desk = try store.openDesk()
        let folder = URL(fileURLWithPath: to)
        if let status { return try exportAll(desk, status: status, to: folder) }
        let id = id!  // validate(): an id when there is no --status
        let identity = try PassphrasePrompt.loadKey(key)
        let facts = try desk.store.file(id: id).opened(with: identity).facts!
        let actor = try reviewer.actor(keyPath: key, in: desk.store)
        let bar = ProgressBar(title: "exporting", total: original ? facts.originalSize : facts.cleanedSize, unit: .bytes)
        let written: URL
        do {
            written = try desk.export(fileID: id, identity: identity, to: folder, actor: actor, original: original) { bar.advance(by: $0) }
            bar.finish()
        } catch {
            bar.finish()
            throw error
        }
        print("wrote \(written.path) (SHA-256 verified)")
        print("check: cd \(folder.path) && sha256sum -c manifest.sha256")
    }

    private func exportAll(_ desk: ReviewDesk, status: StatusChoice, to folder: URL) throws {
        let files = try desk.store.files(status: status.status)
        guard !files.isEmpty else {
            print("no \(status == .all ? "" : status.rawValue + " ")files to export")
            return
        }
        let identity = try PassphrasePrompt.loadKey(key)
        // The sealed sizes, known without opening each file's facts: the padded sizes, within about 12%.
        let bytes = files.filter { $0.purgedHour == nil }.reduce(0) { $0 + $1.sealedSize }
        let bar = ProgressBar(title: "exporting", total: bytes, unit: .bytes)
        let index = try desk.exportAll(files, identity: identity, to: folder, actor: reviewer.actor(keyPath: key, in: desk.store)) { file in
            bar.advance(by: file.sealedSize)
        }
        bar.finish()
        print("exported \(Plural.count(index.fileCount, "file")) of \(Plural.count(index.submissions.count, "submission")) to \(folder.path) (SHA-256 verified)")
        for submission in index.submissions {
            print("  \(submission.folder)/  file\(submission.files.count == 1 ? "" : "s") \(submission.files.map { String($0.id) }.joined(separator: ", "))")
        }
        for skipped in index.skipped {
            print("skipped file \(skipped.id) (submission \(skipped.submission)): \(skipped.reason)")
        }
        for failed in index.failed {
            print("file \(failed.id) (submission \(failed.submission)) not exported: \(failed.reason)")
        }
        print("index: \(folder.appendingPathComponent("index.json").path)")
        if !index.submissions.isEmpty {
            print("check: cd \(folder.path) && for d in submission-*/; do (cd \"$d\" && sha256sum -c manifest.sha256); done")
        }
        guard index.failed.isEmpty else {
            let ids = Confirmation.list(index.failed.map(\.id))
            throw ReviewFailure(description: "\(Plural.count(index.failed.count, "file")) could not be exported (\(ids)); the others were")
        }
    }
}
