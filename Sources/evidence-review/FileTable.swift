import EvidenceCore

/// The `list` table, fitted to the terminal: the last column (tags) is cut to what is left of the width, and
/// long duplicate lists are shortened. Every cell from the store goes through SafeText; status is coloured.
enum FileTable {
    static let header = ["ID", "SUB", "RECEIVED", "TYPE", "SIZE", "STATUS", "FLAGS", "DUPLICATES", "TAGS"]

    static func render(_ listings: [FileListing], width: Int) -> String {
        let rows = listings.map { item in
            [
                String(item.id), String(item.submission), item.receivedHour.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: ":00Z", with: "h"),
                shortType(item.type), ByteCountText.format(item.originalSize), item.purgedHour == nil ? item.status : "\(item.status)/purged",
                item.flags.isEmpty ? "-" : item.flags, duplicates(item.duplicates),
                SafeText.neutralise(item.tags.joined(separator: ",")),
            ]
        }
        let all = [header] + rows
        var widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        // Whatever the fixed columns leave goes to TAGS (at least 4 characters, else it is dropped).
        let fixed = widths.dropLast().reduce(0, +) + 2 * (widths.count - 1)
        widths[widths.count - 1] = max(0, min(widths.last!, width - fixed))
        let showsTags = widths.last! >= 4
        return all.enumerated().map { index, row in
            var cells: [String] = []
            for (column, cell) in row.enumerated() {
                if column == row.count - 1 {
                    if showsTags { cells.append(truncate(cell, to: widths[column])) }
                    continue
                }
                var padded = cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                if index > 0 && column == 5 { padded = Terminal.paint(padded, Terminal.colour(forStatus: cell.hasSuffix("purged") ? "purged" : cell)) }
                if index == 0 { padded = Terminal.paint(padded, .bold) }
                cells.append(padded)
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
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

    static func truncate(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }
}
