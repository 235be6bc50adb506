import Foundation

/// Times are kept only to the hour: a minute-exact timestamp could be matched against network logs to find a submitter.
public enum HourStamp {
    /// The current hour in UTC, e.g. "2026-11-25T09:00Z".
    public static func now() -> String { string(for: Date()) }

    public static func string(for date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970)
        let hourStart = Date(timeIntervalSince1970: TimeInterval(seconds - seconds % 3600))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour], from: hourStart)
        return String(format: "%04d-%02d-%02dT%02d:00Z", c.year!, c.month!, c.day!, c.hour!)
    }
}
