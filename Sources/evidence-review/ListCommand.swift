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
            DUPLICATES names other files with the same original or cleaned SHA-256.
            Examples:
              evidence-review list                                   # pending files
              evidence-review list --status all --type video --since 2026-11-20
              evidence-review list --tag bridge --sort size --reverse
              evidence-review list --text "Abay street" --key ~/reviewer.key   # search submitters' messages
              evidence-review list --status all --json | jq '.[] | select(.duplicates != [])'
            """)

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
    @Option(help: "Your private key, for --text.") var key: String?
    @Option(help: "Sort by id, received, size, type or status.") var sort: FileQuery.Order = .id
    @Flag(help: "Reverse the order.") var reverse = false
    @Flag(help: "Print JSON (an array of file objects, see docs/REVIEW-JSON.md) for scripts.") var json = false

    func validate() throws {
        if text != nil && key == nil { throw ValidationError("--text searches the submitters' encrypted messages: add --key YOUR.key") }
        for day in [since, until].compactMap({ $0 }) where Self.hourBound(day, end: false) == nil {
            throw ValidationError("'\(day)' is not a day: write it as YYYY-MM-DD, e.g. 2026-11-25")
        }
        _ = try mediaTypes()
    }

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
        let (matching, annotations) = try desk.store.annotatedFiles(matching: query)
        var files = matching
        if includesOther {
            files = files.filter { file in file.mediaType.map { types.contains($0.rawValue) } ?? true }
        }
        if let text, let key {
            files = try Self.matchingMessages(files, text: text, desk: desk, identity: PassphrasePrompt.loadKey(key))
        }
        let listings = files.map { FileListing($0, annotations: annotations) }
        if json {
            print(try JSONOutput.encode(listings))
            return
        }
        guard !listings.isEmpty else {
            print("no \(status == .all ? "" : status.rawValue + " ")files match; try --status all or fewer filters")
            return
        }
        print(FileTable.render(listings, width: Terminal.width))
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

    /// Files whose submission's messages (decrypted with `identity`) contain `text`, ignoring case.
    static func matchingMessages(_ files: [FileRecord], text: String, desk: ReviewDesk, identity: X25519PrivateKey) throws -> [FileRecord] {
        var cache: [Int64: Bool] = [:]
        return try files.filter { file in
            if let known = cache[file.submissionID] { return known }
            let message = try desk.message(submissionID: file.submissionID, identity: identity) ?? ""
            let found = message.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
            cache[file.submissionID] = found
            return found
        }
    }
}

extension FileQuery.Order: ExpressibleByArgument {}
