import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Everything known about a file and its submission: hashes, what was removed, custody, notes, tags, duplicates.",
        discussion: """
            Without --key you see what the server knows; with your key also the file's hashes, sizes, removal
            report and duplicates, the submitter's messages and the reviewers' notes, which are sealed to the reviewers.
            Examples:
              evidence-review show 12
              evidence-review show 12 --key ~/reviewer.key
              evidence-review show 12 --json | jq .custody
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The file id (see `list`).") var id: Int64
    @Option(help: "Your private key, to also open the file's hashes, sizes, removal report and duplicates, the submitter's message and the notes.")
    var key: String?
    @Flag(help: "Print JSON (see docs/REVIEW-JSON.md).") var json = false

    /// `show --json`: every key snake_case, a stable contract for scripts (docs/REVIEW-JSON.md).
    struct Details: Encodable {
        let file: FileListing
        let removalReport: Removal?
        let scrubberVersion: String
        let custody: [CustodyRecord]
        let submission: SubmissionSummary
        /// Decrypted with --key; nil without it.
        let message: String?
        let notes: [NoteListing]?
        /// What reviewers wrote to the submitter (`reply`), decrypted with --key; nil without it.
        let replies: [ReplyListing]?

        enum CodingKeys: String, CodingKey {
            case file, removalReport = "removal_report", scrubberVersion = "scrubber_version", custody, submission, message, notes, replies
        }
    }

    /// A reply to the submitter; its text nil when it was not sealed to the key given.
    struct ReplyListing: Encodable {
        let text: String?
        let actor: String
        let hour: String

        enum CodingKeys: String, CodingKey { case text, actor, hour }

        init(_ reply: ReviewerReply) {
            text = reply.text
            actor = reply.actor
            hour = reply.hour
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(text, forKey: .text)
            try container.encode(actor, forKey: .actor)
            try container.encode(hour, forKey: .hour)
        }
    }

    /// What the scrubber removed from the file and wrote in its place.
    struct Removal: Encodable {
        let mediaType: String
        let removed: [RemovedItem]
        let added: [String]
        let keptAsReceivedAfter: Int?

        enum CodingKeys: String, CodingKey {
            case mediaType = "media_type", removed, added, keptAsReceivedAfter = "kept_as_received_after"
        }

        init(_ report: RemovalReport) {
            mediaType = report.mediaType.rawValue
            removed = report.removed
            added = report.added
            keptAsReceivedAfter = report.keptAsReceivedAfter
        }
    }

    /// The submission around the file.
    struct SubmissionSummary: Encodable {
        let id: Int64
        let legalHold: Bool
        let files: [Int64]
        let tags: [String]
        let repliesToSubmitter: Int

        enum CodingKeys: String, CodingKey {
            case id, legalHold = "legal_hold", files, tags, repliesToSubmitter = "replies_to_submitter"
        }
    }

    /// A reviewer's note, decrypted.
    struct NoteListing: Encodable {
        let id: Int64
        /// nil: about the whole submission.
        let fileID: Int64?
        let text: String
        let actor: String
        let hour: String

        enum CodingKeys: String, CodingKey {
            case id, fileID = "file_id", text, actor, hour
        }

        init(_ note: Note) {
            id = note.id
            fileID = note.fileID
            text = note.text
            actor = note.actor
            hour = note.hour
        }
    }

    func run() throws {
        let desk = try store.openDesk()
        let identity = try key.map { try PassphrasePrompt.loadKey($0) }
        let file = try desk.file(id: id, identity: identity)
        let tags = try desk.store.tags(submissionID: file.submissionID)
        var annotations = try desk.store.annotations(of: file)
        if let identity { annotations = annotations.withDuplicates(among: try desk.openedFacts(identity: identity)) }
        let details = Details(
            file: FileListing(file, annotations: annotations),
            removalReport: file.facts?.removalReport.map(Removal.init), scrubberVersion: file.scrubberVersion,
            custody: try desk.store.custody(fileID: id),
            submission: SubmissionSummary(
                id: file.submissionID, legalHold: try desk.store.submission(id: file.submissionID)?.legalHold ?? false,
                files: try desk.store.files(inSubmission: file.submissionID).compactMap(\.id),
                tags: tags.filter { $0.fileID == 0 }.map(\.name),
                repliesToSubmitter: try desk.store.sealedReplies(submissionID: file.submissionID).count),
            message: try identity.flatMap { try desk.message(submissionID: file.submissionID, identity: $0) },
            notes: try identity.map { try desk.notes(submissionID: file.submissionID, identity: $0).map(NoteListing.init) },
            replies: try identity.map { try desk.replies(submissionID: file.submissionID, identity: $0).map(ReplyListing.init) })
        if json {
            print(try JSONOutput.encode(details))
            return
        }
        print(Self.text(details, decrypted: identity != nil))
    }

    /// What is shown in place of what the file's sealed facts hold, without a key.
    static let sealedFacts = "sealed to the reviewers (--key opens it)"

    /// The human-readable page. Everything that came from a submitter or another reviewer is neutralised.
    static func text(_ details: Details, decrypted: Bool) -> String {
        let f = details.file
        let s = details.submission
        let original = f.originalSHA256.map { "\(f.originalSize ?? 0) bytes, SHA-256 \($0)" } ?? sealedFacts
        let cleaned = f.cleanedSHA256.map { "\(f.cleanedSize ?? 0) bytes, SHA-256 \($0)" } ?? sealedFacts
        let duplicates = !decrypted ? "found with --key" : f.duplicates.isEmpty ? "none" : f.duplicates.map { "file \($0)" }.joined(separator: ", ")
        var lines: [String] = [
            Terminal.paint("file \(f.id)", .bold) + " (submission \(s.id)), " + Terminal.paint(f.status, Terminal.colour(forStatus: f.status))
                + (f.purgedHour.map { ", " + Terminal.paint("purged \($0)", .dim) } ?? ""),
            "  type            \(f.type)\(f.cleaned ? "" : " (NOT cleaned: unknown type)")",
            "  received        \(f.receivedHour)",
            "  original        \(original)\(f.originalKept ? " (kept, sealed)" : "")",
            "  cleaned         \(cleaned)",
            "  sealed          \(f.sealedSize) bytes (padded), SHA-256 \(f.sealedSHA256)",
            "  scrubber        \(SafeText.neutralise(details.scrubberVersion))",
            "  duplicates      \(duplicates)",
            "  tags            \(f.tags.isEmpty ? "none" : SafeText.neutralise(f.tags.joined(separator: ", ")))",
            "  submission      files \(s.files.map(String.init).joined(separator: ", "))"
                + (s.legalHold ? ", " + Terminal.paint("LEGAL HOLD", .magenta) : "")
                + (s.repliesToSubmitter > 0 ? ", \(s.repliesToSubmitter) replies to the submitter" : ""),
            "removed:",
        ]
        if !decrypted { lines.append("  " + sealedFacts) }
        for item in details.removalReport?.removed ?? [] {
            lines.append("  \(SafeText.neutralise(item.what))\(item.count > 1 ? " ×\(item.count)" : ""), \(item.bytes) bytes")
        }
        for item in details.removalReport?.added ?? [] { lines.append("  kept: \(SafeText.neutralise(item))") }
        if let byte = details.removalReport?.keptAsReceivedAfter { lines.append("  damaged file: cleaned, kept as received after byte \(byte)") }
        lines.append("custody:")
        for entry in details.custody {
            let detail = entry.detail.map { "  " + SafeText.neutralise($0) } ?? ""
            lines.append("  \(entry.hour)  \(entry.action.padding(toLength: 11, withPad: " ", startingAt: 0))  \(SafeText.neutralise(entry.actor))\(detail)")
        }
        guard decrypted else {
            lines.append("message, notes and replies to the submitter: pass --key FILE to open them")
            return lines.joined(separator: "\n")
        }
        lines.append("message:")
        lines.append(details.message.map { "  " + SafeText.neutralise($0, multiline: true).replacingOccurrences(of: "\n", with: "\n  ") } ?? "  (none)")
        lines.append("notes:")
        if details.notes?.isEmpty ?? true { lines.append("  (none)") }
        for note in details.notes ?? [] {
            let about = note.fileID.map { "file \($0)" } ?? "submission"
            lines.append("  \(note.hour)  \(SafeText.neutralise(note.actor)) on \(about):")
            lines.append("    " + SafeText.neutralise(note.text, multiline: true).replacingOccurrences(of: "\n", with: "\n    "))
        }
        lines.append("replies to the submitter:")
        if details.replies?.isEmpty ?? true { lines.append("  (none)") }
        for reply in details.replies ?? [] {
            lines.append("  \(reply.hour)  \(SafeText.neutralise(reply.actor)):")
            let text = reply.text.map { SafeText.neutralise($0, multiline: true) }
                ?? "(sealed to the submitter only: written before replies were kept for the reviewers, or before this key was added)"
            lines.append("    " + text.replacingOccurrences(of: "\n", with: "\n    "))
        }
        return lines.joined(separator: "\n")
    }
}
