import Foundation
import Hummingbird
import Mustache
import NIOCore

/// Renders pages from the Mustache templates in `Templates/` with the words of one catalogue. Every value is
/// HTML-escaped by the template engine: the templates use only `{{name}}`, never the unescaped forms.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let catalogues: [Language: Catalogue]
    /// The operator's onion address (`ServerConfiguration.onionAddress`), which the receipt names beside the address
    /// the person used, so that a saved receipt says where to check over Tor too.
    var onionAddress: String?

    /// Reads the templates and catalogues shipped with the server (`Bundle.module`).
    static func bundled() throws -> PageRenderer {
        guard let templates = Bundle.module.url(forResource: "Templates", withExtension: nil),
            let translations = Bundle.module.url(forResource: "Translations", withExtension: nil)
        else { throw PageRendererError.missingResources }
        return try PageRenderer(templates: templates, translations: translations)
    }

    init(templates: URL, translations: URL) throws {
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            try library.register(text, named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        var catalogues: [Language: Catalogue] = [:]
        for language in Language.allCases {
            let json = try Data(contentsOf: translations.appendingPathComponent("\(language.rawValue).json"))
            catalogues[language] = try Catalogue(language: language, json: json)
        }
        self.catalogues = catalogues
    }

    func catalogue(_ language: Language) -> Catalogue {
        catalogues[language]!
    }

    /// The HTML of `template` in `language`. `values` are the page's own; `t` (the catalogue), `lang`, `title`
    /// and the language switch (pointing at `switchPath`, or none when nil) are added here.
    func render(
        _ template: String, in language: Language, title: String, switchPath: String?, values: [String: Any] = [:]
    ) -> String {
        var context = Self.withoutEmptyStrings(values)
        context["t"] = catalogue(language).strings
        context["lang"] = language.rawValue
        context["title"] = title
        if let switchPath {
            context["showsLanguages"] = true
            context["languages"] = Language.allCases.map { other -> [String: Any] in
                ["code": other.rawValue, "name": other.autonym, "href": "\(switchPath)?lang=\(other.rawValue)", "current": other == language]
            }
        }
        return library.render(context, withTemplate: template) ?? ""
    }

    /// `values` without the empty strings, at any depth. Mustache takes an empty string for true, so a section such as
    /// `{{#detail}}` showed its label with nothing after it; a value left out is false, and prints as nothing.
    static func withoutEmptyStrings(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(withoutEmptyStrings)
    }

    private static func withoutEmptyStrings(_ value: Any) -> Any? {
        switch value {
        case let text as String: text.isEmpty ? nil : text
        case let dictionary as [String: Any]: withoutEmptyStrings(dictionary)
        case let list as [Any]: list.compactMap(withoutEmptyStrings)
        default: value
        }
    }

    /// A page response in `language`, with `Content-Language` and `Vary` so caches keep languages apart.
    func response(
        _ template: String, in language: Language, title: String, switchPath: String?, status: HTTPResponse.Status = .ok,
        values: [String: Any] = [:]
    ) -> Response {
        let html = render(template, in: language, title: title, switchPath: switchPath, values: values)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentLanguage: language.rawValue, .vary: "Accept-Language"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

enum PageRendererError: Error, CustomStringConvertible {
    case missingResources

    var description: String {
        "the page templates and translations are missing from the build (Templates/ and Translations/ in EvidenceServer's resources)"
    }
}
