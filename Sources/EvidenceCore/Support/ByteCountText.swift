import Foundation

/// Human-readable byte counts ("3.2 MB"), decimal units as phones and file managers show them.
public enum ByteCountText {
    public static func format(_ count: Int64) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if unit == 0 { return "\(count) bytes" }
        let number = String(format: value < 10 ? "%.1f" : "%.0f", value)
        return "\(number) \(units[unit])"
    }
}
