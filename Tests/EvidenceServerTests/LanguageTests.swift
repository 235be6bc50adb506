import Foundation
import Testing

/// Pages and error messages in the submitter's language: chosen by Accept-Language, overridden by the switch
/// (`?lang=`), carried through forms without a cookie.
@Suite(.serialized)
struct LanguageTests {
    static func catalogue(_ code: String) throws -> [String: String] {
        let url = Paths.repository.appendingPathComponent("Sources/EvidenceServer/Translations/\(code).json")
        return try JSONDecoder().decode([String: String].self, from: Data(contentsOf: url))
    }

    /// HTML-escaped as the page writes it.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;").replacingOccurrences(of: "<", with: "&lt;")
    }

    static func get(_ port: Int, _ path: String, acceptLanguage: String? = nil) async throws -> String {
        var arguments = ["-sS", "-i"]
        if let acceptLanguage { arguments += ["-H", "Accept-Language: \(acceptLanguage)"] }
        return try await Subprocess.run("curl", arguments + ["http://127.0.0.1:\(port)\(path)"]).stdoutText
    }

    @Test("Accept-Language chooses the page's language; ?lang= overrides it; forms and links carry it")
    func negotiationOverHTTP() async throws {
        let server = try TestServer()
        let (russian, kazakh, english, status) = try await server.run { port in
            (try await Self.get(port, "/", acceptLanguage: "ru-RU,ru;q=0.9,en;q=0.5"),
             try await Self.get(port, "/?lang=kk", acceptLanguage: "ru-RU,ru;q=0.9"),
             try await Self.get(port, "/", acceptLanguage: "de-DE"),
             try await Self.get(port, "/status", acceptLanguage: "kk"))
        }
        let ru = try Self.catalogue("ru"), kk = try Self.catalogue("kk"), en = try Self.catalogue("en")
        #expect(russian.contains("<html lang=\"ru\">"))
        #expect(russian.lowercased().contains("content-language: ru"))
        #expect(russian.lowercased().contains("vary: accept-language"))
        #expect(russian.contains(Self.escaped(ru["form_title"]!)) && russian.contains(Self.escaped(ru["advice_tor"]!)))
        #expect(russian.contains("action=\"/submissions?lang=ru\""))
        #expect(kazakh.contains("<html lang=\"kk\">") && kazakh.contains(Self.escaped(kk["form_title"]!)))
        #expect(kazakh.contains("action=\"/submissions?lang=kk\""))
        // The visible switch: each language by its own name, the current one marked.
        for (code, name) in [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша")] {
            #expect(kazakh.contains("href=\"/?lang=\(code)\" lang=\"\(code)\" hreflang=\"\(code)\""), "switch to \(code)")
            #expect(kazakh.contains(">\(name)</a>"))
        }
        #expect(kazakh.contains("hreflang=\"kk\" aria-current=\"page\""))
        #expect(english.contains("<html lang=\"en\">") && english.contains(Self.escaped(en["form_title"]!)))
        #expect(status.contains("<html lang=\"kk\">") && status.contains("action=\"/status?lang=kk\""))
        #expect(status.contains(Self.escaped(kk["status_title"]!)))
    }

    @Test("refusals come back as a page in the submitter's language: 415, 413 by length, 404")
    func errorPagesTranslated() async throws {
        let server = try TestServer()
        let pdf = try server.folder.write("report.pdf", Data("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".utf8))
        let big = try server.folder.write("big.jpg", Data(count: 300_000))
        let (unsupported, tooLarge, missing) = try await server.run(maxSubmissionBytes: 100_000) { port in
            (try await Subprocess.run("curl", ["-sS", "-i", "-F", "files=@\(pdf.path)", "http://127.0.0.1:\(port)/submissions?lang=kk"]).stdoutText,
             try await Subprocess.run("curl", ["-sS", "-i", "-F", "files=@\(big.path)", "http://127.0.0.1:\(port)/submissions?lang=ru"]).stdoutText,
             try await Self.get(port, "/no-such-page", acceptLanguage: "ru"))
        }
        let ru = try Self.catalogue("ru"), kk = try Self.catalogue("kk")
        #expect(unsupported.hasPrefix("HTTP/1.1 415"), "\(unsupported.prefix(200))")
        #expect(unsupported.contains("<html lang=\"kk\">") && unsupported.contains(Self.escaped(kk["error_unsupported_title"]!)))
        #expect(unsupported.contains(Self.escaped(kk["error_nothing_kept"]!)))
        #expect(tooLarge.contains("HTTP/1.1 413"), "\(tooLarge.prefix(300))")
        #expect(tooLarge.contains("<html lang=\"ru\">") && tooLarge.contains(Self.escaped(ru["error_too_large_title"]!)))
        #expect(tooLarge.contains("100 КБ"), "the limit is written in Russian units")
        #expect(missing.hasPrefix("HTTP/1.1 404") && missing.contains(Self.escaped(ru["error_not_found_title"]!)))
    }
}
