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
