@testable import EvidenceServer
import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct StatusPageTests {
    static func status(_ port: Int, code: String) async throws -> (text: String, seconds: Double) {
        let start = Date()
        let result = try await Subprocess.run("curl", ["-sS", "--data-urlencode", "code=\(code)", "http://127.0.0.1:\(port)/status"])
        return (result.stdoutText, Date().timeIntervalSince(start))
    }

    @Test("the receipt code shows each file's status; wrong codes all get the same slow answer")
    func statusByReceipt() async throws {
        let server = try TestServer()
        let (pending, wrongA, wrongB, malformed) = try await server.run { port in
            let receipt = try #require(try await Upload.send(
                port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG), Paths.corpusFile(EndToEndTests.textPNG)]).receipt)
            let spaced = receipt.code.replacingOccurrences(of: "-", with: " ")
            let pending = try await Self.status(port, code: spaced)
            var digits = Array(receipt.code)
            digits[0] = digits[0] == "1" ? "2" : "1"
            return (pending, try await Self.status(port, code: String(digits)),
                    try await Self.status(port, code: "00000-00000-00000-00000-00000"),
                    try await Self.status(port, code: "not a code"))
        }
        #expect(pending.text.contains("File 1, JPEG image: <strong class=\"status-pending\">received, waiting for review</strong>"), "\(pending.text)")
        #expect(pending.text.contains("File 2, PNG image"))
        for wrong in [wrongA, wrongB, malformed] {
            #expect(wrong.text.contains("No submission matches this code"))
            #expect(wrong.seconds >= 0.75, "a wrong code was answered in \(wrong.seconds) s")
        }
        #expect(wrongA.text == wrongB.text && wrongB.text == malformed.text, "wrong codes must get identical answers")
        #expect(pending.seconds >= 0.75)
    }

    @Test("the status page shows all four states: received, in review (a reviewer started), accepted, not accepted")
    func everyStatusShows() async throws {
        let server = try TestServer()
        let files = [EndToEndTests.gpsJPEG, EndToEndTests.cameraJPEG, EndToEndTests.textPNG, EndToEndTests.gpsJPEG].map(Paths.corpusFile)
        let code = try await server.run { port in
            try #require(try await Upload.send(port: port, files: files).receipt).code
        }
        #expect(try await server.review(["tag", "2", "checking"]).status == 0)
        #expect(try await server.review(["approve", "3"]).status == 0)
        #expect(try await server.review(["reject", "4", "--reason", "a copy of file 1"]).status == 0)
        let (english, russian) = try await server.run { port in
            let russian = try await Subprocess.run("curl", [
                "-sS", "-H", "Accept-Language: ru", "--data-urlencode", "code=\(code)", "http://127.0.0.1:\(port)/status",
            ])
            return (try await Self.status(port, code: code), russian.stdoutText)
        }
        #expect(english.text.contains("File 1, JPEG image: <strong class=\"status-pending\">received, waiting for review</strong>"), "\(english.text)")
        #expect(english.text.contains("File 2, JPEG image: <strong class=\"status-in-review\">in review</strong>"), "\(english.text)")
        #expect(english.text.contains("File 3, PNG image: <strong class=\"status-approved\">accepted</strong>"), "\(english.text)")
        #expect(english.text.contains("File 4, JPEG image: <strong class=\"status-rejected\">not accepted</strong>"), "\(english.text)")
        for (state, words) in [("pending", "получен, ждёт проверки"), ("in-review", "на проверке"), ("approved", "принят"), ("rejected", "не принят")] {
            #expect(russian.contains("<strong class=\"status-\(state)\">\(words)</strong>"), "\(state) in Russian")
        }
    }

    @Test("from the status page a submitter adds a file and a message to the same submission; a wrong code adds nothing")
    func addToSubmission() async throws {
        let server = try TestServer()
        let (first, added, wrong, after) = try await server.run { port in
            let first = try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)], message: "first").receipt)
            let add = { (code: String) in
                try await Subprocess.run("curl", [
                    "-sS", "-w", "\n%{http_code}", "-F", "code=\(code)", "-F", "files=@\(Paths.corpusFile(EndToEndTests.textPNG).path)",
                    "-F", "message=second", "http://127.0.0.1:\(port)/status/add",
                ])
            }
            let added = try await add(first.code)
            let wrong = try await add("11111-11111-11111-11111-11111")
            return (first, added, wrong, try await Self.status(port, code: first.code))
        }
        #expect(added.stdoutText.hasSuffix("201"), "\(added.stdoutText)")
        #expect(added.stdoutText.contains("Added to your submission"))
        #expect(added.stdoutText.contains(first.code))
        #expect(wrong.stdoutText.contains("No submission matches this code"))
        #expect(after.text.contains("File 2, PNG image"))
        let listed = try await server.review(["list", "--json"])
        let rows = try JSONSerialization.jsonObject(with: listed.stdout) as! [[String: Any]]
        #expect(rows.count == 2, "the wrong code must not have stored its file")
        #expect(rows.allSatisfy { $0["submission"] as? Int == 1 })
        let shown = try await server.review(["show", "2", "--json", "--key", server.keyFile.path])
        #expect((try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["message"] as? String == "first\n\nsecond")
        #expect(try await server.review(["verify"]).status == 0)
    }

    @Test("wrong codes are limited per source only: past the limit that source's wrong codes get 429 at once, and a right code from it still shows its status")
    func guessesBounded() async throws {
        let server = try TestServer()
        let check: @Sendable (Int, String, String) async throws -> String = { port, code, from in
            try await Subprocess.run("curl", [
                "-sS", "-w", "\n%{http_code}", "--interface", from, "--data-urlencode", "code=\(code)",
                "http://127.0.0.1:\(port)/status",
            ]).stdoutText
        }
        let (guesses, rightAfterwards, otherSource) = try await server.run(limits: { limits in
            limits.statusChecksPerSource = 3
            limits.rateLimitsLoopback = true
        }) { port in
            let code = try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]).receipt).code
            var guesses: [String] = []
            for guess in 0..<5 { guesses.append(try await check(port, "1111\(guess)-11111-11111-11111-11111", "127.0.0.2")) }
            return (guesses, try await check(port, code, "127.0.0.2"), try await check(port, "22222-11111-11111-11111-11111", "127.0.0.3"))
        }
        #expect(guesses.map { String($0.suffix(3)) } == ["200", "200", "200", "429", "429"])
        #expect(guesses.last?.contains("Too many wrong codes") == true, "\(guesses.last ?? "")")
        #expect(rightAfterwards.hasSuffix("200") && rightAfterwards.contains("received, waiting for review"), "\(rightAfterwards)")
        #expect(otherSource.hasSuffix("200") && otherSource.contains("No submission matches this code"))
    }

    @Test("700 wrong codes from everyone at once (loopback, as behind Tor), then a right one, which shows its status")
    func wrongCodesLockNobodyOut() async throws {
        let server = try TestServer()
        let (right, wrong) = try await server.run { port in
            let code = try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]).receipt).code
            // 50 at a time, each held the uniform 0.8 s.
            let flood = try await Subprocess.run("bash", ["-c", """
                seq 1 700 | xargs -P 50 -I N curl -sS -o /dev/null -w '%{http_code}\\n' \\
                  --data-urlencode code=N1111-11111-11111-11111-11111 http://127.0.0.1:\(port)/status | sort | uniq -c
                """])
            return (try await Self.status(port, code: code), flood.stdoutText)
        }
        #expect(wrong.trimmingCharacters(in: .whitespacesAndNewlines) == "700 200", "\(wrong)")
        #expect(right.text.contains("File 1, JPEG image: <strong class=\"status-pending\">received, waiting for review</strong>"), "\(right.text)")
    }
}
