import ArgumentParser
import EvidenceCore
import Foundation

/// How old a file must be to be purged, as typed: "12h", "90d", "2w".
struct RetentionAge: ExpressibleByArgument, CustomStringConvertible {
    let hours: Int
    let description: String

    /// A hundred years: more is a typo, and would overflow the date arithmetic.
    static let maxHours = 100 * 366 * 24

    init?(argument: String) {
        let hoursPerUnit: [Character: Int] = ["h": 1, "d": 24, "w": 7 * 24]
        guard let unit = argument.last.flatMap({ hoursPerUnit[$0] }), let count = Int(argument.dropLast()), count >= 0,
            count <= Self.maxHours / unit
        else { return nil }
        hours = count * unit
        description = argument
    }

    /// The hour stamp a file's received hour must be before: the start of the hour this age before `now`. Received
    /// hours are kept to the hour (the start of it), so every file before the cutoff is older than this age, never
    /// younger, even by minutes.
    func cutoff(now: Date) -> String {
        HourStamp.string(for: now.addingTimeInterval(-TimeInterval(hours) * 3600))
    }
}
