import Foundation
import MediaScrub

/// All the words of one language: a flat key → text table read from `Translations/LANG.json`.
/// Texts may hold `{name}` placeholders, filled by `text(_:_:)`.
struct Catalogue: Sendable {
    let language: Language
    let strings: [String: String]

    init(language: Language, json: Data) throws {
        self.language = language
        strings = try JSONDecoder().decode([String: String].self, from: json)
    }

    /// The text for `key` with each `{name}` replaced by `values[name]`. A missing key shows the key itself,
    /// which the catalogue tests make impossible in a shipped build.
    func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = strings[key] ?? key
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// A byte count in this language's units, e.g. "1,5 МБ".
    func size(_ count: Int64) -> String {
        let keys = ["size_kilobytes", "size_megabytes", "size_gigabytes", "size_terabytes"]
        guard count >= 1000 else { return text("size_bytes", ["n": String(count)]) }
        var value = Double(count) / 1000
        var unit = 0
        while value >= 1000, unit < keys.count - 1 {
            value /= 1000
            unit += 1
        }
        // Whole tenths by integer arithmetic: no locale-dependent formatting on the server.
        let tenths = Int((value * 10).rounded())
        let number = value < 10 ? "\(tenths / 10)\(text("decimal_separator"))\(tenths % 10)" : String(Int(value.rounded()))
        return text(keys[unit], ["n": number])
    }

    /// A limit in binary units ("4 GiB"): limits are set in them (`--max-file-size 4GiB`), and "4.3 GB" read as a
    /// strange number. Whole units when the limit is one, else one decimal.
    func limit(_ count: Int64) -> String {
        let keys = ["size_kibibytes", "size_mebibytes", "size_gibibytes", "size_tebibytes"]
        guard count >= 1024 else { return text("size_bytes", ["n": String(count)]) }
        var unit = 0
        var divisor: Int64 = 1024
        while count / divisor >= 1024, unit < keys.count - 1 {
            divisor *= 1024
            unit += 1
        }
        let number: String
        if count % divisor == 0 {
            number = String(count / divisor)
        } else {
            let tenths = Int64((Double(count) / Double(divisor) * 10).rounded(.down))
            number = "\(tenths / 10)\(text("decimal_separator"))\(tenths % 10)"
        }
        return text(keys[unit], ["n": number])
    }

    /// An hour stamp ("2026-11-25T09:00Z") as people write it: "2026-11-25 09:00" (the text around it says UTC).
    func hour(_ stamp: String) -> String {
        stamp.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
    }

    /// The name of a file type for people, from its media type as recorded on a receipt (e.g. "image/jpeg").
    func typeName(mimeType: String) -> String {
        typeName(MediaScrub.MediaType.allCases.first { $0.mimeType == mimeType })
    }

    /// The name of a file type for people; nil is a type MediaScrub does not know.
    func typeName(_ type: MediaScrub.MediaType?) -> String {
        type.map { text("type_\($0.rawValue)") } ?? text("type_unknown")
    }
}
