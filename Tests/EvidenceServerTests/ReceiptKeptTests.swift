import Foundation
@testable import EvidenceServer
import Testing

/// The receipt is not lost to a reload, and a form posted twice creates one submission.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct FormTokenTests {
    static func formToken(_ port: Int, path: String = "/") async throws -> String {
        let page = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)\(path)"]).stdoutText
        let match = try #require(page.firstMatch(of: /name="form_token" value="([0-9a-f]{32})"/), "no token in \(page.prefix(300))")
        return String(match.1)
    }

    @Test("without JavaScript, the same form posted again (a reload of the receipt) creates nothing and says it was already received; a refused post frees its token")
    func repeatedPost() async throws {
        let server = try TestServer()
        let photo = "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)"
        let (first, again, refused, retried, other) = try await server.run { port in
            let token = try await Self.formToken(port)
            let first = try await PerFileRefusalTests.post(port, ["form_token=\(token)", photo], language: "ru")
            let again = try await PerFileRefusalTests.post(port, ["form_token=\(token)", photo], language: "ru")
            let second = try await Self.formToken(port)
            let refused = try await PerFileRefusalTests.post(port, ["form_token=\(second)", "files=@\(PerFileRefusalTests.pdf.path)"])
            let retried = try await PerFileRefusalTests.post(port, ["form_token=\(second)", photo], json: true)
            let other = try await PerFileRefusalTests.post(port, ["form_token=\(try await Self.formToken(port))", photo], json: true)
            return (first, again, refused, retried, other)
        }
        let ru = try LanguageTests.catalogue("ru")
        #expect(first.status == 201)
        #expect(again.status == 409, "\(again.text.prefix(300))")
        #expect(again.text.contains(LanguageTests.escaped(ru["error_already_sent"]!)), "\(again.text)")
        let code = try #require(first.text.firstMatch(of: /[0-9]{5}(-[0-9]{5}){4}/).map { String($0.0) })
        #expect(!again.text.contains(code), "the answer to a repeated post does not show the code")
        #expect(refused.status == 415 && retried.status == 201 && other.status == 201)
        let listed = try await server.review(["list", "--json"])
        let rows = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]] ?? []
        #expect(rows.count == 3 && Set(rows.compactMap { $0["submission"] as? Int }).count == 3, "\(rows)")
        #expect(BadInputTests.storedFiles(server).allSatisfy { !$0.hasPrefix("spool/") || $0.hasSuffix(".key") })
    }

    @Test("the status page's add form is one-time too: posted twice, the file is added once")
    func repeatedAddition() async throws {
        let server = try TestServer()
        let (added, again) = try await server.run { port in
            let first = try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]).receipt)
            let status = try await Subprocess.run("curl", ["-sS", "--data-urlencode", "code=\(first.code)", "http://127.0.0.1:\(port)/status"]).stdoutText
            let token = String(try #require(status.firstMatch(of: /name="form_token" value="([0-9a-f]{32})"/)).1)
            let fields = ["code=\(first.code)", "form_token=\(token)", "files=@\(Paths.corpusFile(EndToEndTests.textPNG).path)"]
            return (try await PerFileRefusalTests.post(port, fields, path: "/status/add"), try await PerFileRefusalTests.post(port, fields, path: "/status/add"))
        }
        #expect(added.status == 201 && again.status == 409, "\(added.status) \(again.status)")
        let listed = try await server.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 2)
    }

    @Test("tokens: issued ones are 32 hex digits and differ; a token is taken once, freed by a refusal, forgotten oldest first past the capacity; anything else is no token")
    func tokens() {
        let tokens = FormTokens(capacity: 3)
        let issued = (0..<5).map { _ in tokens.issue() }
        #expect(Set(issued).count == 5 && issued.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        #expect(tokens.claim(issued[0]) == .claimed)
        #expect(tokens.claim(issued[0]) == .alreadySent, "taken while its post is received")
        tokens.settle(issued[0], received: false)
        #expect(tokens.claim(issued[0]) == .claimed, "freed by a refusal")
        tokens.settle(issued[0], received: true)
        #expect(tokens.claim(issued[0]) == .alreadySent)
        for token in issued[1...3] { #expect(tokens.claim(token) == .claimed) }
        #expect(tokens.claim(issued[0]) == .claimed, "the oldest was forgotten past the capacity")
        #expect(tokens.claim(issued[3]) == .alreadySent)
        #expect(tokens.claim("") == nil && tokens.claim(String(repeating: "z", count: 32)) == nil && tokens.claim(issued[4].uppercased()) == nil)
        let expiring = FormTokens(capacity: 10, lifetime: .zero)
        #expect(expiring.claim(issued[4]) == .claimed)
        expiring.settle(issued[4], received: true)
        #expect(expiring.claim(issued[4]) == .claimed, "past its lifetime a token is free again")
    }
}

extension BrowserTests {
    @Test("with JavaScript on: the receipt survives a reload, with a warning before leaving, until \"I have saved my code\"; the code is never in the address")
    func receiptSurvivesReload() async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_receipt_kept.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Paths.corpusFile(EndToEndTests.gpsJPEG).path])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let ru = try LanguageTests.catalogue("ru")
        let code = try #require(result["code"] as? String, "\(run.stdoutText)")
        #expect(code.count == 29)
        #expect((result["kept_note"] as? String)?.contains(ru["upload_receipt_kept"]!) == true, "\(result)")
        #expect(result["warned_on_reload"] as? Bool == true, "\(result)")
        #expect(result["code_after_reload"] as? String == code)
        #expect((result["history_urls"] as? [Any]).map { "\($0)" }?.contains(code) == false, "\(result)")
        #expect((result["url"] as? String)?.contains(code) == false)
        #expect(result["stored_after_saved"] is NSNull, "\(result)")
        #expect(result["warned_after_saved"] as? Bool == false && result["form_after_saved"] as? Bool == true, "\(result)")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
    }
}

extension BrowserTests {
    @Test("with JavaScript off: reloading the receipt posts the form again, which creates nothing and says it was already received, without the code")
    func reloadedReceiptWithoutJavaScript() async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_off_reload_receipt.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Paths.corpusFile(EndToEndTests.gpsJPEG).path])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let kk = try LanguageTests.catalogue("kk")
        let code = try #require(result["code"] as? String, "\(run.stdoutText)")
        #expect(result["after_reload_heading"] as? String == kk["error_already_sent_title"], "\(result)")
        #expect((result["after_reload_text"] as? String)?.contains(code) == false)
        #expect((result["receipt_url"] as? String)?.contains(code) == false)
        let listed = try await server.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 1, "the reload stored nothing more")
    }
}

extension BrowserTests {
    @Test("on a phone, Back and Forward after the receipt: with JavaScript on the same receipt comes back; on or off, no second submission", arguments: ["on", "off"])
    func backAfterReceipt(javascript: String) async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/back_after_receipt.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", javascript, Paths.corpusFile(EndToEndTests.gpsJPEG).path])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let code = try #require(result["code"] as? String, "\(run.stdoutText)")
        for key in ["after_back_url", "after_forward_url"] { #expect((result[key] as? String)?.contains(code) == false, "\(result)") }
        if javascript == "on" {
            #expect(result["after_forward_codes"] as? [String] == [code], "the receipt came back with the tab: \(result)")
        } else {
            // Shown again from the cache (the same code), or, once the person reloads Chromium's "Confirm Form
            // Resubmission", the form posted again and answered "already received", without the code.
            let codes = result["after_forward_codes"] as? [String] ?? []
            let alreadySent = try LanguageTests.catalogue("ru")["error_already_sent_title"]
            #expect(codes == [code] || result["after_resubmit_heading"] as? String == alreadySent, "\(result)")
            #expect((result["after_resubmit_text"] as? String)?.contains(code) != true)
        }
        let listed = try await server.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 1, "no second submission")
    }

    @Test("on a phone with JavaScript off, a 15,000-character Russian message is taken whole; past the limit the text box stops")
    func longRussianMessage() async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/long_russian_message.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Paths.corpusFile(EndToEndTests.gpsJPEG).path])
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let ru = try LanguageTests.catalogue("ru")
        #expect(result["typed"] as? Int == 15_000)
        #expect(result["heading"] as? String == ru["receipt_heading"], "\(result)")
        #expect((result["code"] as? String)?.count == 29)
        #expect(result["over_limit_kept"] as? Int == Int(result["maxlength"] as? String ?? ""), "\(result)")
        let shown = try await server.review(["show", "1", "--json", "--key", server.keyFile.path])
        let message = (try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["message"] as? String ?? ""
        #expect(message.count == 15_000 && message.hasPrefix("я видел это на мосту"), "\(message.prefix(80))… (\(message.count))")
    }
}
