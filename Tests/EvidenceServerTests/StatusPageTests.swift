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

    @Test("a decision shows on the status page")
    func decisionShows() async throws {
        let server = try TestServer()
        let code = try await server.run { port in
            try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]).receipt).code
        }
        #expect(try await server.review(["approve", "1"]).status == 0)
        let page = try await server.run { port in try await Self.status(port, code: code) }
        #expect(page.text.contains("<strong class=\"status-approved\">accepted</strong>"))
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
}
