import ArgumentParser
import EvidenceCore
import Foundation

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts of the queue: files by status and type, bytes stored, purged, on hold, submissions per day.",
        discussion: """
            Days are UTC, counted from each submission's first hour. The text shows the last 14 days; --json has every day.
            Example: evidence-review stats
            Example: evidence-review stats --json | jq .by_status.pending
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON (one object) for scripts.") var json = false

    /// `stats --json`. Field names are a stable contract for scripts.
    struct Report: Codable {
        let files: Int
        let submissions: Int
        /// Every status, zero included.
        let byStatus: [String: Int]
        let byType: [String: Int]
        let bytesStored: Int64
        let purged: Int
        /// Submissions under legal hold.
        let onLegalHold: Int
        let submissionsPerDay: [String: Int]

        enum CodingKeys: String, CodingKey {
            case files, submissions, byStatus = "by_status", byType = "by_type", bytesStored = "bytes_stored", purged
            case onLegalHold = "on_legal_hold", submissionsPerDay = "submissions_per_day"
        }

        init(_ stats: QueueStatistics) {
            files = stats.files
            submissions = stats.submissions
            byStatus = Dictionary(uniqueKeysWithValues: ReviewStatus.allCases.map { ($0.rawValue, stats.byStatus[$0.rawValue] ?? 0) })
            byType = stats.byType
            bytesStored = stats.bytesStored
            purged = stats.purged
            onLegalHold = stats.onLegalHold
            submissionsPerDay = stats.submissionsPerDay
        }
    }

    func run() throws {
        let report = Report(try store.openDesk().statistics())
        if json {
            print(try JSONOutput.encode(report))
            return
        }
        let line = { (label: String, value: String) in print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
        line("files", "\(report.files) in \(Plural.count(report.submissions, "submission"))")
        for status in ReviewStatus.allCases {
            line("  \(status.rawValue)", String(report.byStatus[status.rawValue] ?? 0))
        }
        line("purged", "\(Plural.count(report.purged, "file")) (sealed copies deleted, hashes kept)")
        line("on hold", Plural.count(report.onLegalHold, "submission"))
        line("stored", "\(ByteCountText.format(report.bytesStored)) (\(report.bytesStored) bytes)")
        if !report.byType.isEmpty {
            print("by type")
            print(indented(TextTable.render(header: ["TYPE", "FILES"], rows: report.byType.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] })))
        }
        let days = Self.lastDays(14, until: Date())
        let earlier = report.submissionsPerDay.filter { $0.key < days[0] }.values.reduce(0, +)
        print("submissions per day, last \(days.count) days (UTC)\(earlier > 0 ? "; \(earlier) earlier, all in --json" : "")")
        let most = max(days.map { report.submissionsPerDay[$0] ?? 0 }.max() ?? 0, 1)
        let rows = days.map { day in
            let count = report.submissionsPerDay[day] ?? 0
            return [day, String(count), String(repeating: "#", count: (count * 30 + most - 1) / most)]
        }
        print(indented(TextTable.render(header: ["DAY", "SUBMISSIONS", ""], rows: rows)))
    }

    /// Each line two spaces in, with no trailing spaces (the bar column is empty on quiet days).
    private func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { ("  " + $0).replacingOccurrences(of: " +$", with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }

    /// The `count` UTC days ("YYYY-MM-DD") ending with the day of `date`, oldest first.
    static func lastDays(_ count: Int, until date: Date) -> [String] {
        (0..<count).reversed().map { back in String(HourStamp.string(for: date.addingTimeInterval(-Double(back) * 86400)).prefix(10)) }
    }
}
