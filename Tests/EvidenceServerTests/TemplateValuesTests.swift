import Foundation
@testable import EvidenceServer
import Testing

/// Every page in every language, rendered with its values missing and with each of them empty: no label is left
/// with nothing after it (Mustache takes an empty string for true).
struct TemplateValuesTests {
    static let templates: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/EvidenceServer/Templates")
    /// Partials, rendered inside every page.
    static let partials: Set<String> = ["head", "foot", "upload-strings", "refused-files", "picker-strings"]

    static func pages() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }
            .map { String($0.dropLast(".mustache".count)) }.filter { !partials.contains($0) }.sorted()
    }

    /// The names a template uses: variables, and sections with the names used inside them.
    static func emptyValues(_ template: String) throws -> [String: Any] {
        let text = try String(contentsOf: templates.appendingPathComponent("\(template).mustache"), encoding: .utf8)
        let tag = try NSRegularExpression(pattern: #"\{\{\{?([#^/]?)\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}?\}\}"#)
        var variables: Set<String> = []
        var sections: Set<String> = []
        var listsOfText: Set<String> = []
        var open: [String] = []
        for match in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let kind = String(text[Range(match.range(at: 1), in: text)!])
            let name = String(text[Range(match.range(at: 2), in: text)!])
            if name.hasPrefix("t.") { continue }
            switch kind {
            case "#", "^": sections.insert(name); open.append(name)
            case "/": open.removeLast()
            default: variables.insert(name)
            }
        }
        if text.contains("{{.}}") {
            // A section that lists plain strings (the `added` items): which one, by its name before `{{.}}`.
            let plain = try NSRegularExpression(pattern: #"\{\{#(\w+)\}\}[^{]*(?:\{\{t\.\w+\}\}[^{]*)?<span[^>]*>\{\{\.\}\}"#)
            for match in plain.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                listsOfText.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        var item: [String: Any] = [:]
        for name in variables { item[name] = "" }
        var values = item
        // A name shown as a value too (`{{#detail}}…{{detail}}`) is a value: empty.
        for name in sections.subtracting(variables) { values[name] = listsOfText.contains(name) ? [""] : [item] }
        return values
    }

    /// What a reader would see as a label without a value.
    static func danglingLabels(_ html: String) -> [String] {
        let patterns = [
            #"×\s*(?![\s\d])"#, #"×\s*<"#,  // a count sign without its count
            #"\(\s*\)"#,  // empty brackets
            #":\s*(?:<(span|strong|code)[^>]*>\s*</\1>\s*)+</(p|dd|li|dt)>"#,  // "Label: <span></span>"
            #":\s*</(p|dt|h\d)>\s*<(p|pre|dd)[^>]*>\s*(?:<code[^>]*>\s*</code>\s*)?</\2>"#,  // "Label:" then an empty block
        ]
        var found: [String] = []
        for pattern in patterns {
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                let range = Range(match.range, in: html)!
                let start = html.index(range.lowerBound, offsetBy: -60, limitedBy: html.startIndex) ?? html.startIndex
                found.append(String(html[start..<range.upperBound]))
            }
        }
        return found
    }

    @Test("every template in every language, with its values missing or empty, leaves no label without a value")
    func emptyAndMissingValues() throws {
        let renderer = try PageRenderer.bundled()
        let pages = try Self.pages()
        #expect(Set(pages).isSuperset(of: ["error", "form", "receipt", "status", "verify"]))
        for page in pages {
            for language in Language.allCases {
                for (name, values) in [("missing", [String: Any]()), ("empty", try Self.emptyValues(page))] {
                    let html = renderer.render(page, in: language, title: "T", switchPath: "/", values: values)
                    #expect(html.contains("<html lang=\"\(language.rawValue)\">"), "\(page) \(language) \(name): not rendered")
                    #expect(!html.contains("{{"), "\(page) \(language) \(name)")
                    #expect(Self.danglingLabels(html) == [], "\(page) \(language) with values \(name)")
                }
            }
        }
    }

    @Test("the two seen in use: an error page with no detail, a receipt line of one removed structure")
    func knownCases() throws {
        let renderer = try PageRenderer.bundled()
        let error = renderer.render("error", in: .english, title: "T", switchPath: nil, values: ["heading": "H", "message": "M", "detail": "", "aboutUpload": true])
        #expect(!error.contains("Technical detail"))
        let receipt = renderer.render("receipt", in: .english, title: "T", switchPath: nil, values: [
            "files": [["hasItems": true, "removed": [["what": "Exif (APP1)", "times": false, "size": "724 bytes"], ["what": "XMP", "times": "2", "size": "1 KB"]]]],
        ])
        #expect(receipt.contains("Exif (APP1)</span> (724 bytes)") && receipt.contains("XMP</span> ×2 (1 KB)"), "\(receipt)")
    }
}
