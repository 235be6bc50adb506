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

    /// "2GiB", "500MB", "64k", "1000" as a byte count; nil when it is not one.
    public static func parse(_ text: String) -> Int64? {
        let units: [(String, Int64)] = [
            ("tib", 1 << 40), ("gib", 1 << 30), ("mib", 1 << 20), ("kib", 1 << 10),
            ("tb", 1_000_000_000_000), ("gb", 1_000_000_000), ("mb", 1_000_000), ("kb", 1000),
            ("t", 1 << 40), ("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10), ("b", 1),
        ]
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let number = Double(lower.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
            return Int64(number * Double(factor))
        }
        return Int64(lower)
    }
}
