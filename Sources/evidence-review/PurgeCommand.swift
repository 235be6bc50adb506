import ArgumentParser
import EvidenceCore
import Foundation

struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete the sealed copies of old files (rejected ones by default), keeping their hashes and custody.",
        discussion: """
            A file goes when its status matches --status and it was received before the start of the hour AGE ago \
            (times are kept to the hour, so nothing younger than AGE goes). Its record, hashes and custody trail stay, \
            the log gets a 'deleted' entry naming you and the reason, and `verify` still passes. Files of a submission \
            on legal hold (see `hold`) are never touched; they are counted in the output.
            --status all means approved and rejected: files nobody has reviewed go only with an explicit \
            --status pending. Asks on the terminal before deleting; --yes skips the question (a script must pass it).
            Example: evidence-review purge --older-than 90d --dry-run
            Example: evidence-review purge --older-than 90d --yes --key ~/reviewer.key
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Option(help: ArgumentHelp("Purge files received longer ago than this: hours, days or weeks, e.g. 12h, 90d, 2w.", valueName: "age"))
    var olderThan: RetentionAge
    @Option(help: "Which files: rejected (the default), approved, all (approved and rejected), or pending.")
    var status: StatusChoice = .rejected
    @Flag(help: "List what would be purged, and change nothing.") var dryRun = false
    @Flag(help: "Purge without asking (for scripts).") var yes = false
    @Option(help: "Your key file, to name you in the custody trail by its fingerprint (only its .pub is read).") var key: String?

    /// The statuses purged; pending only when named, so unreviewed evidence is never lost to a broad `all`.
    var statuses: [ReviewStatus] {
        switch status {
        case .pending: [.pending]
        case .approved: [.approved]
        case .rejected: [.rejected]
        case .all: [.approved, .rejected]
        }
    }

    func run() throws {
        let desk = try store.openDesk()
        let cutoff = olderThan.cutoff(now: Date())
        let plan = try desk.retentionPlan(receivedBefore: cutoff, statuses: statuses)
        let which = "\(status == .all ? "approved or rejected" : status.rawValue) files received before \(cutoff) (older than \(olderThan))"
        // Said however the run ends: files kept for a legal hold are never left out silently.
        defer { if !plan.held.isEmpty { print(Self.heldLine(plan.held)) } }
        guard !plan.purge.isEmpty else {
            print("nothing to purge: no \(which)")
            return
        }
        if dryRun {
            print(Self.table(plan.purge))
            print("would purge \(Plural.count(plan.purge.count, "file")), \(ByteCountText.format(plan.bytes)): \(which); nothing was changed")
            return
        }
        let ids = plan.purge.map { $0.id! }
        try Confirmation.ask(
            "Purge \(Plural.count(ids.count, "file")) (\(Confirmation.list(ids))), deleting \(ByteCountText.format(plan.bytes)) of sealed copies for good?",
            yes: yes)
        let actor = try reviewer.actor(keyPath: key, in: desk.store)
        let reason = "retention: \(which)"
        let bar = ProgressBar(title: "purging", total: Int64(ids.count), unit: .items("files"))
        var lines: [String] = []
        var failed: [Int64] = []
        for file in plan.purge {
            do {
                try desk.purge(file, reason: reason, actor: actor)
                lines.append("purged file \(file.id!) (submission \(file.submissionID)), \(ByteCountText.format(RetentionPlan.storedBytes(of: file)))")
            } catch {
                lines.append("file \(file.id!) not purged: \(error)")
                failed.append(file.id!)
            }
            bar.advance()
        }
        bar.finish()
        lines.forEach { print($0) }
        let freed = plan.purge.filter { !failed.contains($0.id!) }.reduce(0) { $0 + RetentionPlan.storedBytes(of: $1) }
        print("purged \(Plural.count(ids.count - failed.count, "file")), \(ByteCountText.format(freed)) freed; their hashes, custody and log entries remain")
        guard failed.isEmpty else {
            throw ReviewFailure(description: "\(failed.count) of \(ids.count) files not purged (\(Confirmation.list(failed))); the others were")
        }
    }

    static func table(_ files: [FileRecord]) -> String {
        let rows = files.map { file in
            [
                String(file.id!), String(file.submissionID), file.status.rawValue, file.receivedHour,
                ByteCountText.format(RetentionPlan.storedBytes(of: file)),
            ]
        }
        return TextTable.render(header: ["ID", "SUB", "STATUS", "RECEIVED", "STORED"], rows: rows)
    }

    /// "2 files kept: legal hold (submissions 4, 7)".
    static func heldLine(_ held: [FileRecord]) -> String {
        let submissions = Array(Set(held.map(\.submissionID))).sorted()
        return "\(Plural.count(held.count, "file")) kept: legal hold (submission\(submissions.count == 1 ? "" : "s") \(Confirmation.list(submissions)))"
    }
}
