import EvidenceCore

/// The `list` table, fitted to the terminal. MESSAGE (with --key) and TAGS take what the other columns leave; when
/// that is too little, the others are shortened, then dropped, least useful first, down to ID and STATUS. Every cell
/// from the store or a submitter goes through SafeText; status is coloured.
enum FileTable {
    struct Column {
        let header: String
        let cells: [String]
        let isStatus: Bool
        /// Display columns of its widest cell.
        let width: Int

        init(header: String, cells: [String], isStatus: Bool = false) {
            self.header = header
            self.cells = cells
            self.isStatus = isStatus
            width = ([header] + cells).map(ScreenLine.columns(of:)).max() ?? 0
        }
    }

    /// `messages`: with --key, one excerpt per listing (already neutralised), else nil.
    static func render(_ listings: [FileListing], messages: [String]? = nil, width: Int) -> String {
        var columns = [
            Column(header: "ID", cells: listings.map { String($0.id) }),
            Column(header: "SUB", cells: listings.map { String($0.submission) }),
            Column(header: "RECEIVED", cells: listings.map { hour($0.receivedHour) }),
            Column(header: "TYPE", cells: listings.map { shortType($0.type) }),
            // Without a key only the padded sealed size is known: "~" says it is within about 12%.
            Column(header: "SIZE", cells: listings.map { $0.originalSize.map(ByteCountText.format) ?? "~" + ByteCountText.format($0.sealedSize) }),
            Column(header: "STATUS", cells: listings.map { $0.purgedHour == nil ? $0.status : "\($0.status)/purged" }, isStatus: true),
            Column(header: "FLAGS", cells: listings.map { $0.flags.isEmpty ? "-" : $0.flags }),
            Column(header: "DUPLICATES", cells: listings.map { duplicates($0.duplicates) }),
        ]
        let tags = Column(header: "TAGS", cells: listings.map { SafeText.neutralise($0.tags.joined(separator: ",")) })
        let message = messages.map { Column(header: "MESSAGE", cells: $0) }
        // What the first flexible column needs to be worth showing.
        let wanted = 2 + min((message ?? tags).width, 12)
        for shorten in shortenings(listings) where fixedWidth(columns) + wanted > width {
            shorten(&columns)
        }
        let room = width - fixedWidth(columns)
        var flexible: [(column: Column, width: Int)] = []
        if let message {
            // Tags take at most a third of the room beside a message.
            let tagsWidth = min(tags.width, max(4, (room - 4) / 3))
            let messageWidth = min(message.width, room - 4 - tagsWidth)
            if messageWidth >= 8 {
                flexible = [(tags, tagsWidth), (message, messageWidth)]
            } else if room - 2 >= 4 {
                flexible = [(message, min(message.width, room - 2))]
            }
        } else if min(tags.width, room - 2) >= 4 {
            flexible = [(tags, min(tags.width, room - 2))]
        }
        let shown = columns.map { ($0, $0.width) } + flexible
        return ([-1] + listings.indices).map { row in
            var cells: [String] = []
            for (index, (column, columnWidth)) in shown.enumerated() {
                let cell = row < 0 ? column.header : column.cells[row]
                let isLast = index == shown.count - 1
                var text = fit(cell, to: columnWidth)
                if !isLast { text += String(repeating: " ", count: columnWidth - ScreenLine.columns(of: text)) }
                if row >= 0 && column.isStatus {
                    text = Terminal.paint(text, Terminal.colour(forStatus: cell.hasSuffix("purged") ? "purged" : cell))
                }
                if row < 0 { text = Terminal.paint(text, .bold) }
                cells.append(text)
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Columns taken by the fixed columns and the separators between them.
    private static func fixedWidth(_ columns: [Column]) -> Int {
        columns.reduce(0) { $0 + $1.width } + 2 * (columns.count - 1)
    }

    /// Steps that make the fixed columns narrower, in the order they are taken: the least useful first.
    private static func shortenings(_ listings: [FileListing]) -> [(inout [Column]) -> Void] {
        // Built only when the step is taken.
        func replace(_ header: String, with column: @autoclosure @escaping () -> Column) -> (inout [Column]) -> Void {
            { columns in
                if let index = columns.firstIndex(where: { $0.header == header }) { columns[index] = column() }
            }
        }
        func drop(_ header: String) -> (inout [Column]) -> Void {
            { columns in columns.removeAll { $0.header == header } }
        }
        let day = { listings.map { String(hour($0.receivedHour).dropFirst(5)) } }
        return [
            // The P flag says it too.
            replace("STATUS", with: Column(header: "STATUS", cells: listings.map(\.status), isStatus: true)),
            replace("RECEIVED", with: Column(header: "RECEIVED", cells: day())),
            replace("DUPLICATES", with: Column(header: "DUP", cells: listings.map { $0.duplicates.isEmpty ? "-" : String($0.duplicates.count) })),
            replace("FLAGS", with: Column(header: "FL", cells: listings.map { $0.flags.isEmpty ? "-" : $0.flags })),
            drop("SUB"),
            drop("SIZE"),
            replace("RECEIVED", with: Column(header: "RECEIVED", cells: day().map { String($0.prefix(5)) })),
            drop("TYPE"),
            drop("DUP"),
            drop("FL"),
            drop("RECEIVED"),
        ]
    }

    /// "2026-11-25T14:00Z" → "2026-11-25 14h".
    static func hour(_ stamp: String) -> String {
        stamp.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: ":00Z", with: "h")
    }

    /// "image/jpeg" → "jpeg"; unknown types show as "other".
    static func shortType(_ mimeType: String) -> String {
        mimeType == "application/octet-stream" ? "other" : String(mimeType.split(separator: "/").last ?? "")
            .replacingOccurrences(of: "; codecs=opus", with: "+opus")
    }

    static func duplicates(_ ids: [Int64]) -> String {
        guard !ids.isEmpty else { return "-" }
        let shown = ids.prefix(3).map(String.init).joined(separator: ",")
        return ids.count > 3 ? "\(shown)+\(ids.count - 3)" : shown
    }

    /// `text` in at most `width` display columns, ending in "…" when cut.
    static func fit(_ text: String, to width: Int) -> String {
        ScreenLine.columns(of: text) <= width ? text : ScreenLine.prefix(of: text, columns: max(0, width - 1)) + "…"
    }
}
