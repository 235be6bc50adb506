import EvidenceCore
@testable import EvidenceServer
import Foundation
import Testing

/// The receipt page as a frightened person on a phone reads it: the code and how to save it first, a short list of
/// the files, the technical proof folded below; and the saved receipt naming the site where to check it later.
struct ReceiptPageTests {
    static let code = "12345-67890-12345-67890-12345"
    static let onion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuv.onion"

    /// A receipt of three files: one cleaned, one damaged, one of an unknown type left uncleaned.
    static func receipt() throws -> Receipt {
        func file(_ n: Int, type: String, removed: String, extra: String = "") -> String {
            let hex = { (digit: Int) in String(repeating: String(digit), count: 64) }
            return """
                {"type": "\(type)", "typeName": "x", "originalSize": 2133, "cleanedSize": 1000,
                 "originalSHA256": "\(hex(n))", "cleanedSHA256": "\(hex(n + 3))", "opening": "\(hex(n + 6))",
                 "removed": \(removed), "added": [], "logIndex": \(40 + n), "originalKept": false\(extra)}
                """
        }
        let json = """
            {"code": "\(code)", "receivedHour": "2026-12-08T02:00Z", "messageIncluded": true,
             "checkpoint": "evidence-drop/ab\\n44\\nROOT=\\n\\n— evidence-drop/ab SIG=\\n",
             "files": [
               \(file(1, type: "image/jpeg", removed: #"[{"what": "Exif (APP1)", "count": 1, "bytes": 1100}]"#)),
               \(file(2, type: "image/png", removed: #"[{"what": "PNG text chunk tEXt", "count": 2, "bytes": 90}]"#, extra: #", "keptAsReceivedAfter": 4096"#)),
               \(file(3, type: "application/octet-stream", removed: "[]", extra: #", "warning": "not cleaned""#))
             ]}
            """
        return try JSONDecoder().decode(Receipt.self, from: Data(json.utf8))
    }

    static func render(_ language: Language, site: SiteAddress) throws -> String {
        let pages = try PageRenderer.bundled()
        let values = ReceiptPage.values(try receipt(), addedToExisting: false, site: site, words: pages.catalogue(language))
        return pages.render("receipt", in: language, title: "T", switchPath: nil, values: values)
    }

    /// Where `needle` first is in `html`, as a character offset (Int.max when absent, so an order check fails).
    static func offset(of needle: String, in html: String) -> Int {
        html.range(of: needle).map { html.distance(from: html.startIndex, to: $0.lowerBound) } ?? Int.max
    }

    /// Whether each occurrence of `needle` lies inside a <details> element.
    static func foldedEach(_ needle: String, in html: String) -> [Bool] {
        var result: [Bool] = []
        var searchFrom = html.startIndex
        while let found = html.range(of: needle, range: searchFrom..<html.endIndex) {
            let before = html[..<found.lowerBound]
            result.append(before.components(separatedBy: "<details").count > before.components(separatedBy: "</details>").count)
            searchFrom = found.upperBound
        }
        return result
    }

    /// The text of a `data:…;base64,` download link named by its `download` attribute's ending.
    static func download(_ ending: String, in html: String) throws -> (name: String, bytes: Data) {
        let pattern = #"<a download="([^"]*\#(ending))" href="data:[^;]+(?:;charset=utf-8)?;base64,([A-Za-z0-9+/=]*)""#
        let match = try #require(TranslationTests.matches(pattern, in: html).first, "no \(ending) download")
        let regex = try NSRegularExpression(pattern: pattern)
        let found = try #require(regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)))
        let base64 = String(html[Range(found.range(at: 2), in: html)!])
        return (match, try #require(Data(base64Encoded: base64)))
    }

    @Test("first the code, the two save links and where to check later, then the files; the technical proof only inside <details>", arguments: Language.allCases)
    func order(language: Language) throws {
        let html = try Self.render(language, site: SiteAddress(host: "drop.example.org", onion: nil))
        let words = try PageRenderer.bundled().catalogue(language)
        let code = Self.offset(of: "id=\"receipt-code\">\(Self.code)<", in: html)
        let text = Self.offset(of: "download=\"receipt-drop.example.org.txt\"", in: html)
        let json = Self.offset(of: "download=\"receipt-drop.example.org.json\"", in: html)
        let status = Self.offset(of: "<a href=\"/status?lang=\(language.rawValue)\"><code>drop.example.org/status</code></a>", in: html)
        let files = Self.offset(of: "<section class=\"file\"", in: html)
        let verify = Self.offset(of: "<a href=\"/verify?lang=\(language.rawValue)\"><code>drop.example.org/verify</code></a>", in: html)
        let details = Self.offset(of: "<details", in: html)
        #expect(code < text && text < json && json < status && status < files && files < verify && verify < details,
                "code \(code), text \(text), json \(json), status \(status), files \(files), verify \(verify), details \(details)")
        // The technical proof: every hash, proof key, the checkpoint, the list of removed parts, the commands.
        for needle in ["class=\"sha-original\"", "class=\"sha-cleaned\"", "class=\"opening\"", "class=\"checkpoint\"", "Exif (APP1)",
                       "PNG text chunk tEXt", String(repeating: "1", count: 64), "sha256sum", "certutil", "shasum"] {
            let folded = Self.foldedEach(needle, in: html)
            #expect(!folded.isEmpty && folded.allSatisfy { $0 }, "\(language): \(needle) is not folded: \(folded)")
        }
        #expect(Self.foldedEach("class=\"sha-original\"", in: html).count == 3)
        #expect(html.components(separatedBy: "<details").count - 1 == 2 && html.components(separatedBy: "<summary>").count - 1 == 2)
        // The warnings stay in the short list, unfolded, after the file they are about.
        for warning in [words.text("receipt_uncleaned_warning"), words.text("receipt_damaged", ["byte": "4096"])] {
            let escaped = warning.replacingOccurrences(of: "'", with: "&#39;")
            #expect(Self.foldedEach(escaped, in: html) == [false], "\(language): \(warning) is folded or missing")
            #expect(Self.offset(of: escaped, in: html) > files)
        }
        #expect(Self.foldedEach(words.text("receipt_file_cleaned"), in: html) == [false, false])
        // Nothing the developers' page offered to phone readers: the log's raw route and the script.
        #expect(!html.contains("/log/proof") && !html.contains("verify_log.py"))
    }

    @Test("every command is whole in its own <pre>, and the style sheet breaks no code or command inside a word")
    func commandsAreWhole() throws {
        let html = try Self.render(.kazakh, site: SiteAddress(host: nil, onion: nil))
        for command in ["sha256sum photo.jpg", "certutil -hashfile photo.jpg SHA256", "shasum -a 256 photo.jpg"] {
            #expect(html.contains("<pre>\(command)</pre>"), "\(command)")
        }
        // The culprit of "photo.j pg": a rule breaking code anywhere. Hashes break as needed by body's overflow-wrap.
        let css = try String(contentsOf: Paths.publicFolder.appendingPathComponent("style.css"), encoding: .utf8)
        let rules = TranslationTests.matches(#"([^{}]*\{[^}]*\})"#, in: css.replacingOccurrences(of: #"/\*[\s\S]*?\*/"#, with: "", options: .regularExpression))
        for rule in rules where rule.range(of: #"(^|[\s,])(code|pre)\b"#, options: .regularExpression) != nil {
            #expect(!rule.contains("break-all") && !rule.contains("anywhere"), "\(rule)")
        }
        #expect(rules.contains { $0.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("pre {") && $0.contains("white-space: pre;") && $0.contains("overflow-x: auto") })
    }

    @Test("the downloads are named after the site and say where to check it, with the onion address when set; the code is in no URL")
    func downloadsNameTheSite() throws {
        let html = try Self.render(.russian, site: SiteAddress(host: "Drop.Example.org:8443", onion: Self.onion))
        let text = try Self.download(".txt", in: html)
        #expect(text.name == "receipt-drop.example.org-8443.txt")
        let saved = String(decoding: text.bytes, as: UTF8.self)
        let words = try PageRenderer.bundled().catalogue(.russian)
        for line in [
            words.text("receipt_text_site", ["address": "drop.example.org:8443"]),
            words.text("receipt_text_onion", ["address": Self.onion]),
            words.text("receipt_text_code", ["code": Self.code]),
            words.text("receipt_text_status", ["address": "drop.example.org:8443/status · \(Self.onion)/status"]),
            words.text("receipt_text_verify", ["address": "drop.example.org:8443/verify · \(Self.onion)/verify"]),
        ] {
            #expect(saved.contains(line + "\n"), "the saved text lacks \(line):\n\(saved)")
        }
        let json = try Self.download(".json", in: html)
        #expect(json.name == "receipt-drop.example.org-8443.json")
        let object = try #require(try JSONSerialization.jsonObject(with: json.bytes) as? [String: Any])
        let site = try #require(object["site"] as? [String: Any])
        #expect(site["address"] as? String == "drop.example.org:8443" && site["onion"] as? String == Self.onion)
        #expect(site["status"] as? String == "drop.example.org:8443/status · \(Self.onion)/status")
        // Still the receipt that /verify and tools read.
        #expect(try JSONDecoder().decode(Receipt.self, from: json.bytes).code == Self.code)
        #expect(try JSONDecoder().decode(ReceiptOpenings.self, from: json.bytes).files.count == 3)
        // The code appears in the page's text and inside the data: downloads, never in a link a browser would request.
        for href in TranslationTests.matches(#"href="([^"]*)""#, in: html) where !href.hasPrefix("data:") {
            #expect(!href.contains(Self.code) && !href.contains("12345"), "\(href)")
        }

        let plain = try Self.render(.english, site: SiteAddress(host: "drop.example.org", onion: nil))
        let plainText = String(decoding: try Self.download(".txt", in: plain).bytes, as: UTF8.self)
        #expect(plainText.contains("Site: drop.example.org\n") && !plainText.contains("Tor Browser") && !plainText.contains(".onion"))
        #expect(plainText.contains("drop.example.org/status\n"), "\(plainText)")
    }

    @Test("a host that is not a plain host name or address is left out: no address, a plain file name")
    func hostileHost() throws {
        for host in ["evil.org/<script>", "a b", "\"quoted\"", "", "-x.org", String(repeating: "a", count: 300), "ex\u{0430}mple.org"] {
            let site = SiteAddress(host: host, onion: nil)
            #expect(site.host == nil, "\(host)")
            #expect(site.fileName(extension: "txt") == "receipt.txt")
        }
        #expect(SiteAddress(host: "[::1]:8080", onion: nil).fileName(extension: "json") == "receipt---1-8080.json")
        #expect(SiteAddress(host: "127.0.0.1:8080", onion: "x.onion").fileName(extension: "txt") == "receipt-127.0.0.1-8080.txt")
        // Reached over Tor, the onion address is the host: named once.
        #expect(SiteAddress(host: "X.onion", onion: "x.onion") == SiteAddress(host: "x.onion", onion: nil))
        #expect(SiteAddress(host: "x.onion:80", onion: "x.onion").onion == nil && SiteAddress(host: "y.org", onion: "x.onion").onion == "x.onion")
        let html = try Self.render(.english, site: SiteAddress(host: "evil.org/<script>", onion: nil))
        #expect(html.contains("download=\"receipt.txt\"") && html.contains("download=\"receipt.json\""))
        // Without a host the links name the pages instead.
        #expect(html.contains("<a href=\"/status?lang=en\">Check a submission</a>"), "\(html)")
        let saved = String(decoding: try Self.download(".txt", in: html).bytes, as: UTF8.self)
        #expect(!saved.contains("evil") && saved.contains(": /status\n"), "\(saved)")
    }

    @Test("a real submission's receipt is named after the Host it was sent to, and carries the operator's onion address")
    func liveHost() async throws {
        try #require(Paths.hasCorpus, "../shared/corpus is absent")
        let server = try TestServer()
        let (port, answer) = try await server.run(onionAddress: Self.onion) { port in
            (port, try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)], json: false))
        }
        #expect(answer.status == 201)
        let text = try Self.download(".txt", in: answer.text)
        #expect(text.name == "receipt-127.0.0.1-\(port).txt")
        let saved = String(decoding: text.bytes, as: UTF8.self)
        #expect(saved.contains("Site: 127.0.0.1:\(port)\n") && saved.contains("Address for Tor Browser: \(Self.onion)\n"), "\(saved)")
    }
}
