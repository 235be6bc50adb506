import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List files in the queue, with filters.",
        discussion: """
            Flags: H legal hold, O original kept at the submitter's request, U not cleaned (unknown type), P purged.
            DUPLICATES names other files with the same original or cleaned SHA-256; it needs --key, since the hashes are
            sealed to the reviewers (the store holds none to group by). Without --key, SIZE is the padded sealed size (~).
            Examples:
              evidence-review list                                   # pending files
              evidence-review list --status all --type video --since 2026-11-20
              evidence-review list --tag bridge --sort size --reverse
              evidence-review list --text "Abay street" --key ~/reviewer.key   # search submitters' messages
              evidence-review list --key ~/reviewer.key              # with each message's first line
              evidence-review list --status all --json | jq '.[] | select(.duplicates != [])'
            With --key, a MESSAGE column shows the first line of the submitter's message (--json: a "message" field).
            The table shows the first 100 files (in the chosen order) and says how many more match: use --limit N or
            --all. --json prints every match unless --limit is given. On a narrow terminal, less useful columns are
            shortened or left out (DUP then counts the duplicates).
            """)

    /// Rows in the table unless --limit or --all says otherwise: a screen's worth, not a queue of 100,000.
    static let defaultTableLimit = 100

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case pending, approved, rejected, all
    }

    @OptionGroup var store: StoreOptions
    @Option(help: "Which files: pending, approved, rejected or all.") var status: StatusFilter = .pending
    @Option(help: "Only these types, comma-separated: image, video, audio, or jpeg, png, heif, mp4, mov, mp3… ('other' for uncleaned files).")
    var type: String?
    @Option(help: "Only files received on or after this day (YYYY-MM-DD, UTC).") var since: String?
    @Option(help: "Only files received on or before this day (YYYY-MM-DD, UTC).") var until: String?
    @Option(help: "Only files with this tag (on the file or its submission).") var tag: String?
    @Option(help: "Only files whose submitter's message contains this text (needs --key to decrypt messages).")
    var text: String?
    @Option(help: "Your private key, to open the files' sealed hashes and sizes (duplicates, exact sizes) and the submitters' messages (--text, the MESSAGE column).")
    var key: String?
    @Option(help: "Sort by id, received, size, type or status.") var sort: FileQuery.Order = .id
    @Flag(help: "Reverse the order.") var reverse = false
    @Flag(help: "Print JSON (an array of file objects, see docs/REVIEW-JSON.md) for scripts.") var json = false
    @Option(help: "Show at most this many files (default: 100 in the table, all with --json).") var limit: Int?
    @Flag(help: "Show every matching file in the table.") var all = false

    func validate() throws {
        if text != nil && key == nil { throw ValidationError("--text searches the submitters' encrypted messages: add --key YOUR.key") }
        for day in [since, until].compactMap({ $0 }) where Self.hourBound(day, end: false) == nil {
            throw ValidationError("'\(day)' is not a day: write it as YYYY-MM-DD, e.g. 2026-11-25")
        }
        _ = try mediaTypes()
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if all && limit != nil { throw ValidationError("--all and --limit contradict each other: use one") }
    }

    /// The most rows to show; nil for all.
    var rowLimit: Int? { all ? nil : limit ?? (json ? nil : Self.defaultTableLimit) }

    func run() throws {
        let desk = try store.openDesk()
        var query = FileQuery()
        query.status = ReviewStatus(rawValue: status.rawValue)
        let types = try mediaTypes()
        // Files of unknown type have no media type to filter on in SQL: "other" is applied below.
        let includesOther = type?.lowercased().split(separator: ",").contains("other") ?? false
        query.mediaTypes = includesOther ? [] : types
        query.receivedFrom = since.flatMap { Self.hourBound($0, end: false) }
        query.receivedTo = until.flatMap { Self.hourBound($0, end: true) }
        query.tag = tag
        query.order = sort
        query.descending = reverse
        // "other" and --text are decided here, not in SQL: then the limit is applied after them.
        let filtersInSwift = includesOther || text != nil
        let identity = try key.map { try PassphrasePrompt.loadKey($0) }
        var messages = MessageCache(desk: desk, identity: identity)
        let facts = try identity.map { try desk.openedFacts(identity: $0) } ?? [:]
        let isShown = { (file: FileSummary) throws -> Bool in
            if includesOther && !(file.mediaType.map { types.contains($0.rawValue) } ?? true) { return false }
            guard let text = self.text else { return true }
            return try messages.message(submissionID: file.submissionID)?
                .range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
        if json {
            if !filtersInSwift { query.limit = rowLimit }
            return try writeJSON(desk.store, query, facts: facts, isShown: isShown) { file in
                identity == nil ? nil : try messages.message(submissionID: file.submissionID)
            }
        }
        if !filtersInSwift { query.limit = rowLimit.map { $0 + 1 } }
        let (matching, stored) = try desk.store.listedFiles(matching: query)
        let annotations = stored.withDuplicates(among: facts)
        var files = try matching.filter(isShown).map { file in
            var file = file
            file.facts = facts[file.id]
            return file
        }
        // One row more than the limit was asked for, to know whether there are more without counting them all.
        var total = files.count
        if let rowLimit, files.count > rowLimit {
            if !filtersInSwift {
                query.limit = nil
                total = try desk.store.count(matching: query)
            }
            files = Array(files.prefix(rowLimit))
        }
        let listings = files.map { FileListing($0, annotations: annotations) }
        let fileMessages = try identity.map { _ in try files.map { try messages.message(submissionID: $0.submissionID) } }
        let width = Terminal.width
        guard !listings.isEmpty else {
            Self.printWrapped("no \(status == .all ? "" : status.rawValue + " ")files match; try --status all or fewer filters", width: width)
            return
        }
        print(FileTable.render(listings, messages: fileMessages?.map(Self.excerpt), width: width))
        if total > listings.count {
            Self.printWrapped(
                "showing the first \(listings.count) of \(total) matching files; --limit N or --all for more, or narrow with filters", width: width)
        }
    }

    private static func printWrapped(_ text: String, width: Int) {
        for line in ScreenLine.wrapping(text, width: width) { print(line.rendered(width: width)) }
    }

    /// The first line of a message that has words in it, safe to print on one line; "-" for none.
    static func excerpt(_ message: String?) -> String {
        // "\r\n" is one Character: a message typed in a browser has such line ends.
        let lines = (message ?? "").prefix(400).split { $0 == "\n" || $0 == "\r\n" }
        guard let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return "-" }
        return SafeText.neutralise(first.trimmingCharacters(in: .whitespaces))
    }

    /// The MediaScrub types named by `--type`; "image", "video" and "audio" stand for their families.
    func mediaTypes() throws -> [String] {
        guard let type else { return [] }
        var names: [String] = []
        for word in type.lowercased().split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where word != "other" {
            let family = MediaScrub.MediaType.allCases.filter { $0.mimeType.hasPrefix(word + "/") }
            if !family.isEmpty {
                names += family.map(\.rawValue)
            } else if let one = MediaScrub.MediaType(rawValue: word == "jpg" ? "jpeg" : word == "heic" ? "heif" : word) {
                names.append(one.rawValue)
            } else {
                let known = MediaScrub.MediaType.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("unknown type '\(word)': use image, video, audio, other or one of \(known)")
            }
        }
        return names
    }

    /// "2026-11-25" as the first (or last) hour stamp of that day.
    static func hourBound(_ day: String, end: Bool) -> String? {
        guard day.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else { return nil }
        return day + (end ? "T23:00Z" : "T00:00Z")
    }

    /// A file as `list --json` prints it; with --key, also its submission's "message" (null when there is none).
    struct ListedFile: Encodable {
        let listing: FileListing
        /// Whether --key was given: then "message" is there, null or not.
        let decrypted: Bool
        let message: String?

        enum CodingKeys: String, CodingKey { case message }

        func encode(to encoder: any Encoder) throws {
            try listing.encode(to: encoder)
            guard decrypted else { return }
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
        }
    }

    /// The submitters' messages, decrypted once per submission.
    struct MessageCache {
        let desk: ReviewDesk
        let identity: X25519PrivateKey?
        private var messages: [Int64: String?] = [:]

        init(desk: ReviewDesk, identity: X25519PrivateKey?) {
            self.desk = desk
            self.identity = identity
        }

        mutating func message(submissionID: Int64) throws -> String? {
            guard let identity else { return nil }
            if let known = messages[submissionID] { return known }
            let message = try desk.message(submissionID: submissionID, identity: identity)
            messages[submissionID] = message
            return message
        }
    }
}

extension FileQuery.Order: ExpressibleByArgument {}
