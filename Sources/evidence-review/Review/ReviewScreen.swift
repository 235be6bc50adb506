import EvidenceCore

/// Draws the review: a page of lines, the status row and the key list, redrawn whole each time (clear, then each
/// row at its place), which stays right whatever was on screen before.
enum ReviewScreen {
    /// The keys while browsing, as (key, what it does).
    static let browsingKeys = [
        ("→/n", "next"), ("←/p", "previous"), ("s/Enter", "details"), ("a", "approve"), ("r", "reject"),
        ("N/m", "note"), ("t", "tag"), ("e", "export"), ("k", "skip"), ("q", "quit"),
    ]
    static let promptKeys = [("Enter", "confirm"), ("Esc", "cancel")]
    static let detailsKeys = [("any key", "back")]

    /// The escape sequences that draw `body`, `status` and `keys` on a terminal of `size`. A body longer than the
    /// room is cut, with a last line that says how many lines are not shown and `overflowHint`.
    static func frame(
        body: [ScreenLine], status: StatusLine, keys: [(String, String)], warning: String? = nil,
        size: (columns: Int, rows: Int), overflowHint: String
    ) -> String {
        let width = size.columns
        var footer = keyLines(keys, width: width).map { $0.rendered(width: width) }
        if let warning { footer.insert(ScreenLine(SafeText.neutralise(warning), .red).rendered(width: width), at: 0) }
        let (statusRows, cursor) = status.rendered(width: width)
        let bottom = statusRows + footer
        let firstBottomRow = max(1, size.rows - bottom.count + 1)
        let bodyRows = max(0, firstBottomRow - 2)
        var shown = Array(body.prefix(bodyRows))
        if body.count > bodyRows && bodyRows > 0 {
            shown[bodyRows - 1] = ScreenLine("… \(body.count - bodyRows + 1) more lines; \(overflowHint)", .dim)
        }
        var out = "\u{1B}[?25l\u{1B}[H\u{1B}[2J"
        for (row, line) in shown.enumerated() {
            out += "\u{1B}[\(row + 1);1H" + line.rendered(width: width)
        }
        for (offset, text) in bottom.enumerated() where firstBottomRow + offset <= size.rows {
            out += "\u{1B}[\(firstBottomRow + offset);1H" + text
        }
        if let cursor { out += "\u{1B}[\(firstBottomRow);\(cursor)H\u{1B}[?25h" }
        return out
    }

    /// The page of one file: where it stands in the queue, what it is, and what the submitter and reviewers wrote.
    static func summary(of page: FilePage, heading: String, actor: String, width: Int) -> [ScreenLine] {
        let file = page.file
        var lines = [
            ScreenLine(heading, .bold) + ScreenLine("   reviewer: \(SafeText.neutralise(actor))", .dim),
            ScreenLine(),
            ScreenLine("file \(page.id) · submission \(file.submissionID) · ", .bold) + ScreenLine(file.status.rawValue, Terminal.colour(forStatus: file.status.rawValue)),
        ]
        lines += field("received", file.receivedHour, width: width)
        lines += field("type", "\(file.mimeType), \(sizeText(file))", width: width)
        lines += field("tags", page.tags.isEmpty ? "none" : SafeText.neutralise(page.tags.joined(separator: ", ")), width: width)
        lines += field("duplicates", duplicatesText(page.duplicates), width: width)
        lines += field("removed", removalText(file), width: width)
        if let purged = file.purgedHour { lines += field("purged", "\(purged): the sealed copy is deleted", width: width) }
        lines.append(ScreenLine())
        lines += messageLines(page, width: width)
        lines += noteLines(page, width: width)
        return lines
    }

    /// Everything `show` prints, for the details view.
    static func details(of page: FilePage, width: Int) -> [ScreenLine] {
        let file = page.file
        var lines = [
            ScreenLine("file \(page.id) (submission \(file.submissionID)), ", .bold) + ScreenLine(file.status.rawValue, Terminal.colour(forStatus: file.status.rawValue)),
        ]
        lines += field("type", "\(file.mimeType) (\(file.typeName))", width: width)
        lines += field("received", file.receivedHour, width: width)
        if let facts = file.facts {
            lines += field("original", "\(facts.originalSize) bytes, SHA-256 \(facts.originalSHA256)", width: width)
            lines += field("cleaned", "\(facts.cleanedSize) bytes, SHA-256 \(facts.cleanedSHA256)", width: width)
        } else {
            lines += field("original", Self.sealedFacts, width: width)
        }
        lines += field("sealed", "SHA-256 \(file.sealedSHA256)", width: width)
        if let kept = file.originalSealedSHA256 { lines += field("original kept", "sealed SHA-256 \(kept)", width: width) }
        lines += field("scrubber", SafeText.neutralise(file.scrubberVersion), width: width)
        lines += field("duplicates", duplicatesText(page.duplicates), width: width)
        lines += field("tags", page.tags.isEmpty ? "none" : SafeText.neutralise(page.tags.joined(separator: ", ")), width: width)
        lines.append(ScreenLine("removed:", .bold))
        let report = file.facts?.removalReport
        for item in report?.removed ?? [] {
            lines += ScreenLine.wrapping(
                "\(SafeText.neutralise(item.what))\(item.count > 1 ? " ×\(item.count)" : ""), \(item.bytes) bytes", width: width, indent: "  ")
        }
        for item in report?.added ?? [] { lines += ScreenLine.wrapping("kept: \(SafeText.neutralise(item))", width: width, indent: "  ") }
        lines.append(ScreenLine("custody:", .bold))
        for entry in page.custody {
            let detail = entry.detail.map { "  " + SafeText.neutralise($0) } ?? ""
            lines += ScreenLine.wrapping(
                "\(entry.hour)  \(SafeText.neutralise(entry.action))  \(SafeText.neutralise(entry.actor))\(detail)", width: width,
                indent: "  ", continuation: "      ")
        }
        lines.append(ScreenLine())
        lines += messageLines(page, width: width)
        lines += noteLines(page, width: width)
        return lines
    }

    /// "  label       value", the value wrapped under itself.
    private static func field(_ label: String, _ value: String, width: Int) -> [ScreenLine] {
        let label = ScreenLine("  " + label.padding(toLength: 14, withPad: " ", startingAt: 0), .dim)
        let under = ScreenLine(String(repeating: " ", count: label.columns))
        return ScreenLine.wrapping(value, width: width - label.columns).enumerated().map { index, line in
            (index == 0 ? label : under) + line
        }
    }

    private static func duplicatesText(_ ids: [Int64]) -> String {
        ids.isEmpty ? "none" : "files " + ids.map(String.init).joined(separator: ", ")
    }

    /// What the screen says where the file's sealed facts would be, without a key that opens them.
    private static let sealedFacts = "sealed to the reviewers: start the review with --key to see hashes and sizes"

    /// The cleaned and received sizes from the facts; without them, the padded sealed size.
    private static func sizeText(_ file: FileRecord) -> String {
        guard let facts = file.facts else { return "about \(ByteCountText.format(file.sealedSize)) (sealed, padded)" }
        return "\(ByteCountText.format(facts.cleanedSize)) (received \(ByteCountText.format(facts.originalSize)))"
    }

    private static func removalText(_ file: FileRecord) -> String {
        guard let facts = file.facts else { return sealedFacts }
        guard let report = facts.removalReport, !report.removed.isEmpty else { return "nothing" }
        let items = report.removed.map { item in
            "\(SafeText.neutralise(item.what))\(item.count > 1 ? " ×\(item.count)" : "") (\(ByteCountText.format(Int64(item.bytes))))"
        }
        return items.joined(separator: ", ")
    }

    private static func messageLines(_ page: FilePage, width: Int) -> [ScreenLine] {
        var lines = [ScreenLine("message from the submitter:", .bold)]
        switch page.message {
        case .noKey:
            lines += ScreenLine.wrapping("(sealed: start the review with --key FILE to read it)", width: width, indent: "  ", colour: .dim)
        case .unreadable(let why):
            lines += ScreenLine.wrapping("cannot be read with this key: \(SafeText.neutralise(why))", width: width, indent: "  ", colour: .red)
        case .readable(nil):
            lines.append(ScreenLine("  (none)", .dim))
        case .readable(let text?):
            lines += ScreenLine.wrapping(SafeText.neutralise(text, multiline: true), width: width, indent: "  ")
        }
        return lines
    }

    private static func noteLines(_ page: FilePage, width: Int) -> [ScreenLine] {
        guard page.noteCount > 0 else { return [ScreenLine("notes: none", .bold)] }
        var lines = [ScreenLine("notes (\(page.noteCount)):", .bold)]
        switch page.notes {
        case .noKey:
            lines += ScreenLine.wrapping("(sealed: start the review with --key FILE to read them)", width: width, indent: "  ", colour: .dim)
        case .unreadable(let why):
            lines += ScreenLine.wrapping("cannot be read with this key: \(SafeText.neutralise(why))", width: width, indent: "  ", colour: .red)
        case .readable(let notes):
            for note in notes {
                let about = note.fileID == nil ? ", on the whole submission" : ""
                lines += ScreenLine.wrapping("\(SafeText.neutralise(note.actor)), \(note.hour)\(about):", width: width, indent: "  ", colour: .dim)
                lines += ScreenLine.wrapping(SafeText.neutralise(note.text, multiline: true), width: width, indent: "    ")
            }
        }
        return lines
    }

    /// The key list, as many to a line as fit.
    private static func keyLines(_ keys: [(String, String)], width: Int) -> [ScreenLine] {
        var lines: [ScreenLine] = []
        var current: ScreenLine?
        for (key, action) in keys {
            let item = ScreenLine(key, .bold) + ScreenLine(" " + action)
            if let line = current, line.columns + 2 + item.columns <= width {
                current = line + ScreenLine("  ") + item
            } else {
                if let line = current { lines.append(line) }
                current = item
            }
        }
        if let current { lines.append(current) }
        return lines
    }
}
