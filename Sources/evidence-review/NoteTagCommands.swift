import ArgumentParser
import EvidenceCore

struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a note on a file or its whole submission, encrypted for the reviewers.",
        discussion: """
            Notes are sealed to every reviewer key, like the files: the server cannot read them. The log records
            only each note's SHA-256. Read them with `show ID --key`.
            Example: evidence-review note 12 "faces visible at 0:12, blur before sharing" --as alice
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id.") var id: Int64
    @Argument(help: "The note.") var text: String
    @Flag(help: "The note is about the whole submission, not only this file.") var submission = false

    func run() throws {
        let desk = try store.openDesk()
        try desk.addNote(text, fileID: id, wholeSubmission: submission, actor: reviewer.actor(in: desk.store))
        print("note added to \(submission ? "the submission of file \(id)" : "file \(id)")")
    }
}

struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag a file or its whole submission (or remove a tag with --remove).",
        discussion: """
            Tags are short labels (letters, digits, '-', '_', '.') that `list --tag` filters on. They are stored
            in the clear, so keep them free of anything identifying.
            Examples:
              evidence-review tag 12 bridge night
              evidence-review tag 12 batch-7 --submission
              evidence-review tag 12 night --remove
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id.") var id: Int64
    @Argument(help: "One or more tags.") var names: [String]
    @Flag(help: "Tag the whole submission, not only this file.") var submission = false
    @Flag(help: "Remove these tags instead.") var remove = false

    func validate() throws {
        guard !names.isEmpty else { throw ValidationError("name at least one tag, e.g. `tag \(id) bridge`") }
        for name in names where !ReviewDesk.isValidTag(name) {
            throw ValidationError("'\(SafeText.neutralise(name))' is not a tag: use letters, digits, '-', '_' or '.', up to 40 characters")
        }
    }

    func run() throws {
        let desk = try store.openDesk()
        let target = submission ? "the submission of file \(id)" : "file \(id)"
        let actor = try reviewer.actor(in: desk.store)
        for name in names {
            let changed = remove
                ? try desk.untag(name, fileID: id, wholeSubmission: submission, actor: actor)
                : try desk.tag(name, fileID: id, wholeSubmission: submission, actor: actor)
            let verb = remove ? (changed ? "removed from" : "was not on") : (changed ? "added to" : "already on")
            print("\(name): \(verb) \(target)")
        }
    }
}
