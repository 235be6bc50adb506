import ArgumentParser
import EvidenceCore
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-read every sealed file and the whole log; name each mismatch (exit 1) or print a summary (exit 0).",
        discussion: """
            Without --key it checks every blob's SHA-256, the log's hashes and signed checkpoints; with your key it
            also decrypts every file and checks its cleaned SHA-256.
            Example: evidence-review verify --key ~/reviewer.key
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Your private key, to also decrypt every file and check its cleaned SHA-256.") var key: String?

    func run() throws {
        let desk = try store.openDesk()
        guard let log = desk.log else { throw ReviewFailure(description: "the data folder has no log signing key") }
        let identity = try key.map(PassphrasePrompt.loadKey)
        let bar = ProgressBar(title: "verifying", total: Int64(try desk.store.count(matching: FileQuery())), unit: .items("files"))
        let report = try StoreVerifier(desk: desk, log: log).run(identity: identity) { _, _ in bar.advance() }
        bar.finish()
        for problem in report.problems { print("MISMATCH \(problem)") }
        let summary = "\(report.filesChecked) files, \(report.entriesChecked) log entries, \(report.checkpointsChecked) checkpoints checked"
            + (identity != nil ? ", \(report.decryptedChecked) decrypted" : "")
        guard report.isClean else { throw CheckFailed(description: "\(report.problems.count) problem(s) found; \(summary)") }
        print("verified: \(summary); all hold")
    }
}
