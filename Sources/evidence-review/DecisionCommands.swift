import ArgumentParser
import EvidenceCore

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a file.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id.") var id: Int64
    @Option(help: "A note for the custody trail.") var note: String?

    func run() throws {
        try store.openDesk().approve(fileID: id, note: note, actor: reviewer.actor)
        print("file \(id) approved")
    }
}

struct RejectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a file, with a reason.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id.") var id: Int64
    @Option(help: "Why it is rejected (recorded in the custody trail).") var reason: String

    func run() throws {
        try store.openDesk().reject(fileID: id, reason: reason, actor: reviewer.actor)
        print("file \(id) rejected")
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
        try store.openDesk().reply(fileID: id, text: message, actor: reviewer.actor)
        print("reply to the submitter of file \(id) stored")
    }
}
