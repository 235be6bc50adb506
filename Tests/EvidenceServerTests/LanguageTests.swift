import EvidenceCore
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
        #expect(tooLarge.contains("97,6 КиБ"), "the limit (100,000 bytes) is written in Russian binary units, rounded down")
        #expect(missing.hasPrefix("HTTP/1.1 404") && missing.contains(Self.escaped(ru["error_not_found_title"]!)))
    }

    @Test("a damaged file (400) and a full disk (507) are explained in Russian and Kazakh, with no English heading or message",
          .enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
    func damagedAndFullTranslated() async throws {
        let server = try TestServer()
        let whole = try Data(contentsOf: Paths.corpusFile(EndToEndTests.cameraJPEG))
        // Cut inside its Exif: a photo cut in its image data is kept, one cut in its metadata refused.
        let damaged = try server.folder.write("cut.jpg", whole.prefix(30))
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let post: @Sendable (Int, URL, String) async throws -> String = { port, file, lang in
            try await Subprocess.run("curl", ["-sS", "-i", "-F", "files=@\(file.path)", "http://127.0.0.1:\(port)/submissions?lang=\(lang)"]).stdoutText
        }
        let damagedPages = try await server.run { port in (ru: try await post(port, damaged, "ru"), kk: try await post(port, damaged, "kk")) }
        let fullPages = try await server.run(limits: { $0.freeSpaceFloor = FreeSpaceFloor(bytes: 1 << 60, fraction: nil) }) { port in
            (ru: try await post(port, photo, "ru"), kk: try await post(port, photo, "kk"))
        }
        let en = try Self.catalogue("en")
        for (lang, damagedPage, fullPage) in [("ru", damagedPages.ru, fullPages.ru), ("kk", damagedPages.kk, fullPages.kk)] {
            let words = try Self.catalogue(lang)
            #expect(damagedPage.hasPrefix("HTTP/1.1 400"), "\(damagedPage.prefix(200))")
            #expect(fullPage.hasPrefix("HTTP/1.1 507"), "\(fullPage.prefix(200))")
            for (page, keys) in [(damagedPage, ["error_damaged_title", "error_damaged"]), (fullPage, ["error_full_title", "error_full"])] {
                #expect(page.contains("<html lang=\"\(lang)\">"))
                for key in keys + ["error_nothing_kept", "error_back"] {
                    #expect(page.contains(Self.escaped(words[key]!)), "\(lang): \(key) missing")
                    #expect(!page.contains(Self.escaped(en[key]!)), "\(lang): English \(key) left")
                }
            }
        }
    }
}
