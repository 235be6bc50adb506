import ArgumentParser
import EvidenceCore

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Put a file's submission under legal hold, so purge never touches it; or lift the hold.",
        discussion: """
            The hold is on the whole submission: it covers every file sent together with this one. Each file's custody \
            trail records it, with your name and the reason.
            Example: evidence-review hold 12 --reason "preservation request, case 2026-114"
            Example: evidence-review hold --lift 12 --reason "case closed"
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The id of any file of the submission (see `list`).") var id: Int64
    @Flag(help: "Lift the hold instead of setting it.") var lift = false
    @Option(help: "Why (recorded in the custody trail).") var reason: String?

    func run() throws {
        let desk = try store.openDesk()
        let file = try desk.store.file(id: id)
        let files = try desk.store.files(inSubmission: file.submissionID).map { String($0.id!) }.joined(separator: ", ")
        let submission = "submission \(file.submissionID) (files \(files))"
        let held = try desk.store.submission(id: file.submissionID)?.legalHold == true
        guard held == lift else {
            print(lift ? "\(submission) is not on legal hold" : "\(submission) was already on legal hold")
            return
        }
        try desk.setLegalHold(!lift, fileID: id, reason: reason, actor: reviewer.actor(in: desk.store))
        print(lift ? "legal hold lifted from \(submission)" : "\(submission) is now on legal hold: purge will not touch it")
    }
}
