import ArgumentParser
import EvidenceCore
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-read every sealed file and the whole log; name each mismatch (exit 1) or print a summary (exit 0).")

    @OptionGroup var store: StoreOptions
    @Option(help: "Your private key, to also decrypt every file and check its cleaned SHA-256.") var key: String?

    func run() throws {
        let desk = try store.openDesk()
        guard let log = desk.log else { throw ReviewFailure(description: "the data folder has no log signing key") }
        let identity = try key.map(PassphrasePrompt.loadKey)
        let progress = ProgressLine(label: "verifying")
        let report = try StoreVerifier(desk: desk, log: log).run(identity: identity) { done, total in progress.update(done, of: total) }
        progress.finish()
        for problem in report.problems { print("MISMATCH \(problem)") }
        let summary = "\(report.filesChecked) files, \(report.entriesChecked) log entries, \(report.checkpointsChecked) checkpoints checked"
            + (identity != nil ? ", \(report.decryptedChecked) decrypted" : "")
        guard report.isClean else { throw CheckFailed(description: "\(report.problems.count) problem(s) found; \(summary)") }
        print("verified: \(summary); all hold")
    }
}

/// A one-line progress display on a terminal (standard error), silent otherwise.
final class ProgressLine {
    private let label: String
    private let enabled = isatty(2) == 1
    private let start = Date()

    init(label: String) {
        self.label = label
    }

    func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let line = "\r\(label) \(done)/\(total) files, \(Int(rate)) files/s, \(Int(left)) s left "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
