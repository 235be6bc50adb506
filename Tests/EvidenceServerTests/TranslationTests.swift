@testable import EvidenceServer
import EvidenceCore
import Foundation
import MediaScrub
import Testing

/// The three catalogues and the templates: every word comes from a catalogue, every catalogue is complete,
/// and the Russian and Kazakh ones hold no English.
struct TranslationTests {
    static let serverSources = Paths.repository.appendingPathComponent("Sources/EvidenceServer")
    static let templates = serverSources.appendingPathComponent("Templates")

    static func catalogue(_ language: Language) throws -> [String: String] {
        let url = serverSources.appendingPathComponent("Translations/\(language.rawValue).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    static func templateTexts() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".mustache") }.sorted().map {
            ($0, try String(contentsOf: templates.appendingPathComponent($0), encoding: .utf8))
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
            return String(text[Range(range, in: text)!])
        }
    }

    /// Technical names that stay in Latin letters in every language.
    static let technicalWords: Set<String> = [
        "JPEG", "PNG", "GIF", "WebP", "HEIC", "HEIF", "AVIF", "MP4", "MOV", "3GP", "AVI", "MKV", "WebM", "Matroska", "MP3", "M4A", "FLAC", "Ogg", "Vorbis",
        "Opus", "WAV", "AIFF", "QuickTime", "SHA", "Tor", "Browser", "JavaScript", "GPS", "IP", "UTC", "Linux", "Windows",
        "macOS", "JSON", "sha256sum", "certutil", "hashfile", "SHA256", "HASH", "Scripts", "verify_log", "py", "log", "proof",
        "sha256", "evidence", "drop", "verify", "opening", "KEY",
    ]

    @Test("the Russian and Kazakh catalogues have exactly the English keys, with the same placeholders")
    func cataloguesComplete() throws {
        let english = try Self.catalogue(.english)
        for language in [Language.russian, .kazakh] {
            let other = try Self.catalogue(language)
            #expect(Set(other.keys) == Set(english.keys), "\(language): missing \(Set(english.keys).subtracting(other.keys)), extra \(Set(other.keys).subtracting(english.keys))")
            for (key, text) in english {
                let expected = Self.matches(#"\{[a-z_]+\}"#, in: text).sorted()
                let found = Self.matches(#"\{[a-z_]+\}"#, in: other[key] ?? "").sorted()
                #expect(found == expected, "\(language).\(key): placeholders \(found), English has \(expected)")
            }
        }
    }

    @Test("no English is left in the Russian and Kazakh catalogues: every text differs and Latin words are technical names")
    func noEnglishInTranslations() throws {
        let english = try Self.catalogue(.english)
        // Texts that are the same in every language: a separator and a placeholder-only pattern.
        let sameEverywhere: Set<String> = ["decimal_separator"]
        for language in [Language.russian, .kazakh] {
            for (key, text) in try Self.catalogue(language) {
                if !sameEverywhere.contains(key) && Self.matches("[A-Za-z]{3,}", in: english[key] ?? "").count > 0 {
                    #expect(text != english[key], "\(language).\(key) is still English: \(text)")
                }
                let latin = Self.matches(#"(?<![{\w])[A-Za-z][A-Za-z0-9_]*"#, in: text.replacingOccurrences(of: #"\{[a-z_]+\}"#, with: "", options: .regularExpression))
                let stray = latin.filter { !Self.technicalWords.contains($0) }
                #expect(stray.isEmpty, "\(language).\(key) has Latin words \(stray): \(text)")
            }
        }
    }

    @Test("templates hold no words of their own: only tags, catalogue references and values")
    func templatesHoldNoText() throws {
        for (name, template) in try Self.templateTexts() {
            var text = template
            // Code samples (commands people type) are the same in every language.
            for pattern in [#"<pre>[^{<]*</pre>"#, #"<code>[^{<]*</code>"#, #"\{\{[^}]*\}\}"#, #"<[^>]*>"#, #"&[a-z]+;"#] {
                text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let words = Self.matches(#"\p{L}{2,}"#, in: text)
            #expect(words.isEmpty, "\(name) has hard-coded words: \(words)")
            for attribute in Self.matches(#"(?:aria-label|title|placeholder|alt)="([^"]*)""#, in: template) {
                #expect(attribute.hasPrefix("{{") && attribute.hasSuffix("}}"), "\(name): attribute text \(attribute) is not from the catalogue")
            }
        }
    }

    @Test("templates escape every value (no triple mustache, no {{& }}) but the data URLs of downloads")
    func templatesEscapeEverything() throws {
        // The receipt's and the proof's download links are base64 data URLs, which hold no character HTML escapes
        // (ReceiptDownloadTests); escaping them character by character was most of the receipt page's cost.
        let safeByConstruction: Set<String> = ["{{{textDownload}}}", "{{{jsonDownload}}}", "{{{proofDownload}}}"]
        for (name, template) in try Self.templateTexts() {
            let unescaped = Self.matches(#"(\{\{\{[^}]*\}\}\})"#, in: template)
            #expect(unescaped.allSatisfy(safeByConstruction.contains), "\(name) writes a value unescaped: \(unescaped)")
            #expect(template.components(separatedBy: "{{{").count - 1 == unescaped.count, "\(name) has a stray {{{")
            #expect(!template.contains("{{&"), "\(name) writes a value unescaped")
        }
    }

    @Test("every catalogue key the templates and the server use exists")
    func referencedKeysExist() throws {
        let english = try Self.catalogue(.english)
        var used = Set(try Self.templateTexts().flatMap { Self.matches(#"\{\{[#^/]?t\.([a-z_0-9]+)\}\}"#, in: $0.text) })
        let enumerator = FileManager.default.enumerator(at: Self.serverSources, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let source = try String(contentsOf: url, encoding: .utf8)
            used.formUnion(Self.matches(#"(?:text|Key|key)\(?:? ?"([a-z]+_[a-z_]+)""#, in: source))
        }
        // Keys built at run time.
        used.formUnion(SubmitterStatus.allCases.map { "status_\($0.rawValue)" })
        used.formUnion(MediaScrub.MediaType.allCases.map { "type_\($0.rawValue)" })
        #expect(used.count > 100, "the key scan found only \(used.count) keys")
        let missing = used.subtracting(english.keys)
        #expect(missing.isEmpty, "keys used but not in en.json: \(missing.sorted())")
    }

    @Test("Accept-Language picks the best of ours by quality; unknown languages fall back to English")
    func negotiation() {
        #expect(Language.negotiate(acceptLanguage: "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == .russian)
        #expect(Language.negotiate(acceptLanguage: "de-DE,kk;q=0.5,ru;q=0.4") == .kazakh)
        #expect(Language.negotiate(acceptLanguage: "en;q=0.3, kk-KZ;q=0.9") == .kazakh)
        #expect(Language.negotiate(acceptLanguage: "fr,de") == .english)
        #expect(Language.negotiate(acceptLanguage: "ru;q=0") == .english)
        #expect(Language.negotiate(acceptLanguage: "") == .english)
    }

    @Test("sizes are written in each language's units and decimal separator")
    func sizes() throws {
        let pages = try PageRenderer.bundled()
        #expect(pages.catalogue(.english).size(1_500_000) == "1.5 MB")
        #expect(pages.catalogue(.russian).size(1_500_000) == "1,5 МБ")
        #expect(pages.catalogue(.kazakh).size(4_294_967_296) == "4,3 ГБ")
        #expect(pages.catalogue(.english).size(999) == "999 bytes")
        #expect(pages.catalogue(.english).size(123_456_789) == "123 MB")
    }

    @Test("limits are written in binary units, whole when they are whole: 4 GiB, not 4.3 GB; the form shows them so")
    func limits() throws {
        let pages = try PageRenderer.bundled()
        #expect(pages.catalogue(.english).limit(4 << 30) == "4 GiB")
        #expect(pages.catalogue(.english).limit(16 << 30) == "16 GiB")
        #expect(pages.catalogue(.russian).limit(1536 << 20) == "1,5 ГиБ")
        #expect(pages.catalogue(.kazakh).limit(512 << 20) == "512 МиБ")
        #expect(pages.catalogue(.english).limit(1000) == "1000 bytes")
        let form = pages.render("form", in: .english, title: "T", switchPath: "/", values: [
            "limitsHint": pages.catalogue(.english).text("form_limits_hint", ["files": "50", "file_size": pages.catalogue(.english).limit(4 << 30), "size": pages.catalogue(.english).limit(16 << 30)]),
        ])
        #expect(form.contains("each up to 4 GiB and 16 GiB in all"), "\(form)")
    }

    @Test("a hostile value is escaped on the page")
    func valuesAreEscaped() throws {
        let pages = try PageRenderer.bundled()
        let html = pages.render(
            "status", in: .russian, title: "<title>", switchPath: "/status",
            values: [
                "found": true, "code": "\"><img src=x>", "hasReplies": true,
                "replies": [["text": "<script>alert('x')</script>\"&", "hour": "10"]],
            ])
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;"))
        #expect(html.contains("value=\"&quot;&gt;&lt;img src=x&gt;\""))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<html lang=\"ru\">"))
        #expect(html.contains("<title>&lt;title&gt;</title>"))
    }
}
