import Hummingbird

/// A language every page and message is offered in. Chosen by `?lang=` (the visible switch), else by
/// `Accept-Language`, else English. No cookie remembers it: links and forms carry `lang` instead.
enum Language: String, CaseIterable, Sendable {
    case english = "en"
    case russian = "ru"
    case kazakh = "kk"

    /// The language's name in itself, as the switch shows it.
    var autonym: String {
        switch self {
        case .english: "English"
        case .russian: "Русский"
        case .kazakh: "Қазақша"
        }
    }

    /// The language for `request`: its `lang` query parameter, else its `Accept-Language` header.
    static func of(_ request: Request) -> Language {
        if let chosen = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return chosen }
        return negotiate(acceptLanguage: request.headers[.acceptLanguage] ?? "")
    }

    /// The best of ours for an `Accept-Language` value such as `ru-RU,ru;q=0.9,en;q=0.5`: by quality, then order.
    static func negotiate(acceptLanguage: String) -> Language {
        var best: (language: Language, quality: Double)?
        for range in acceptLanguage.split(separator: ",").prefix(32) {
            let parts = range.split(separator: ";")
            guard let tag = parts.first?.trimmingSpaces().lowercased() else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.trimmingSpaces().split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == "q", let value = Double(pair[1]) { quality = value }
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard quality > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .english
    }
}
