import ArgumentParser
import EvidenceCore
import Foundation

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Work the queue one file at a time in the terminal, with arrow keys and single letters.",
        discussion: """
            Keys: → or n next, ← or p previous, s or Enter all details, a approve, r reject (asks a reason), \
            N or m add a note, t tag (-name removes a tag), e export and open (needs --key), k skip to the next \
            pending file, q or Ctrl-C quit. A typed line ends with Enter; Esc or Ctrl-C cancels it. After a decision \
            the next pending file is shown. An export is opened with $EVIDENCE_OPEN (a command, given the file's path) \
            or else xdg-open; the review waits until it ends.
            Example: evidence-review review --key ~/reviewer.key --as alice
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Option(help: "Which files: pending, approved, rejected or all.") var status: ListCommand.StatusFilter = .pending
    @Option(help: "Your private key (passphrase-protected), to read messages and notes and to export.") var key: String?
    @Option(help: "The folder exports go into (created if missing).") var to = "evidence-export"

    func run() throws {
        // Checked first, so a script learns at once that this is not the command it wants.
        guard RawTerminal.isAvailable else { throw ReviewFailure(description: RawTerminal.notATerminal) }
        let desk = try store.openDesk()
        var query = FileQuery()
        query.status = ReviewStatus(rawValue: status.rawValue)
        let ids = try desk.store.files(matching: query).compactMap(\.id)
        let queueName = status == .all ? "files" : "\(status.rawValue) files"
        guard !ids.isEmpty else {
            print("no \(queueName)")
            return
        }
        // Whatever may ask something on the terminal (the passphrase prompt) runs before raw mode.
        let identity = try key.map(PassphrasePrompt.loadKey)
        let actor = try reviewer.actor(keyPath: key, in: desk.store)
        let terminal = try RawTerminal()
        let session = ReviewSession(
            desk: desk, terminal: terminal, queue: ReviewQueue(fileIDs: ids), queueName: queueName, identity: identity,
            actor: actor, exportFolder: URL(fileURLWithPath: to))
        session.run()
        terminal.restore()
        print(session.tally.summary)
    }
}
