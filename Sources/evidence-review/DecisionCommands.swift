import ArgumentParser
import EvidenceCore
import Foundation

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve one file or several.",
        discussion: """
            With several ids, asks once on the terminal before approving them all; --yes skips the question (a script \
            must pass it). Each file is decided on its own: one that cannot be (an unknown id, a file already approved) \
            is reported, the others are still approved, and the exit code is 2.
            Example: evidence-review approve 12 13 17 --note "matches the original upload"
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file ids (see `list`).") var ids: [Int64]
    @Option(help: "A note for the custody trail.") var note: String?
    @Flag(help: "Approve several files without asking (for scripts).") var yes = false

    func run() throws {
        let desk = try store.openDesk()
        let actor = try reviewer.actor(in: desk.store)
        try DecisionBatch(ids: ids, done: "approved").run(question: "Approve", yes: yes) { id in
            try desk.approve(fileID: id, note: note, actor: actor)
        }
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reject", abstract: "Reject one file or several, with a reason.",
        discussion: """
            With several ids, asks once on the terminal before rejecting them all with the same reason; --yes skips the \
            question (a script must pass it). A file that cannot be rejected is reported, the others still are, and the \
            exit code is 2.
            Example: evidence-review reject 21 22 --reason "screenshots of a news site, not original footage"
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file ids (see `list`).") var ids: [Int64]
    @Option(help: "Why they are rejected (recorded in the custody trail of each).") var reason: String
    @Flag(help: "Reject several files without asking (for scripts).") var yes = false

    func run() throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ReviewFailure(description: "a rejection needs a reason (--reason)")
        }
        let desk = try store.openDesk()
        let actor = try reviewer.actor(in: desk.store)
        try DecisionBatch(ids: ids, done: "rejected").run(question: "Reject", yes: yes) { id in
            try desk.reject(fileID: id, reason: reason, actor: actor)
        }
    }
}

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply",
        abstract: "Write a message to the submitter of a file, shown on their status page.",
        discussion: """
            The message is sealed to a key only the submitter's receipt code opens; the server cannot read it.
            Example: evidence-review reply 12 --message "Thank you. Your video was passed to the investigators."
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The id of any file of the submission.") var id: Int64
    @Option(help: "The message, in plain words; the submitter reads it with their receipt code.") var message: String

    func run() throws {
        let desk = try store.openDesk()
        try desk.reply(fileID: id, text: message, actor: reviewer.actor(in: desk.store))
        print("reply to the submitter of file \(id) stored")
    }
}
