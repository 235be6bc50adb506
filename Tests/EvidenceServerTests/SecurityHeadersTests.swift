import EvidenceCore
import Foundation
import Testing

@Suite(.serialized)
struct SecurityHeadersTests {
    static let paths = ["/", "/style.css", "/verify.js", "/verify", "/status", "/log/key", "/log/checkpoint", "/healthz", "/no-such-page", "/submit.js%00.png"]

    @Test("every response carries the security headers, no cookie and no Server header")
    func everyResponse() async throws {
        let server = try TestServer()
        let answers = try await server.run { port in
            var answers: [String: String] = [:]
            for path in Self.paths {
                answers[path] = try await Subprocess.run("curl", ["-sS", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)\(path)"]).stdoutText.lowercased()
            }
            answers["POST /submissions"] = try await Subprocess.run("curl", [
                "-sS", "-D", "-", "-o", "/dev/null", "-F", "files=@\(Paths.publicFolder.appendingPathComponent("style.css").path)",
                "http://127.0.0.1:\(port)/submissions",
            ]).stdoutText.lowercased()
            return answers
        }
        let photo = try ServerLimitsTests.wav(in: server.folder, size: 10_000)
        let big = try server.folder.write("big.bin", Data(count: 1_500_000))
        // The other answers: a receipt, a status check, every tus method, and refusals by size, space and rate.
        let more = try await server.run(maxSubmissionBytes: 1_000_000, limits: { limits in
            limits.statusChecksPerSource = 1
            limits.rateLimitsLoopback = true
        }) { port in
            let base = "http://127.0.0.1:\(port)"
            let head = { @Sendable (arguments: [String]) async throws -> String in
                try await Subprocess.run("curl", ["-sS", "-D", "-", "-o", "/dev/null", "-H", "Expect:"] + arguments).stdoutText.lowercased()
            }
            let tus = ["-H", "Tus-Resumable: 1.0.0"]
            var answers: [String: String] = [:]
            answers["201 receipt"] = try await head(["-F", "files=@\(photo.path)", "\(base)/submissions"])
            answers["POST /status"] = try await head(["--data-urlencode", "code=11111-11111-11111-11111-11111", "\(base)/status"])
            answers["429"] = try await head(["--data-urlencode", "code=11111-11111-11111-11111-11111", "\(base)/status"])
            answers["413"] = try await head(["-F", "files=@\(big.path)", "\(base)/submissions"])
            answers["OPTIONS /uploads"] = try await head(["-X", "OPTIONS", "\(base)/uploads"])
            let created = try await head(["-X", "POST"] + tus + ["-H", "Upload-Length: 10", "\(base)/uploads"])
            answers["POST /uploads"] = created
            let location = created.split(separator: "\r\n").first { $0.hasPrefix("location:") }.map { String($0.dropFirst(9)).trimmingCharacters(in: .whitespaces) } ?? ""
            answers["HEAD /uploads/…"] = try await head(["-I"] + tus + [base + location])
            answers["PATCH /uploads/…"] = try await head(["-X", "PATCH"] + tus + [
                "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0", "--data-binary", "0123456789", base + location,
            ])
            answers["DELETE /uploads/…"] = try await head(["-X", "DELETE"] + tus + [base + location])
            return answers
        }
        let full = try await server.run(limits: { $0.freeSpaceFloor = FreeSpaceFloor(bytes: 1 << 60, fraction: nil) }) { port in
            try await Subprocess.run("curl", [
                "-sS", "-D", "-", "-o", "/dev/null", "-F", "files=@\(photo.path)", "http://127.0.0.1:\(port)/submissions",
            ]).stdoutText.lowercased()
        }
        let statuses = [
            "201 receipt": "201", "POST /status": "200", "429": "429", "413": "413", "OPTIONS /uploads": "204", "POST /uploads": "201",
            "HEAD /uploads/…": "200", "PATCH /uploads/…": "204", "DELETE /uploads/…": "204",
        ]
        for (name, status) in statuses {
            #expect(more[name]?.hasPrefix("http/1.1 \(status)") == true, "\(name): \(more[name]?.prefix(40) ?? "")")
        }
        #expect(full.hasPrefix("http/1.1 507"), "\(full.prefix(40))")
        let all = answers.merging(more) { first, _ in first }.merging(["507": full]) { first, _ in first }
        for (path, headers) in all {
            #expect(headers.contains("content-security-policy: default-src 'none'"), "\(path)")
            #expect(headers.contains("frame-ancestors 'none'") && !headers.contains("unsafe-inline"), "\(path)")
            #expect(headers.contains("referrer-policy: no-referrer"), "\(path)")
            #expect(headers.contains("x-content-type-options: nosniff"), "\(path)")
            #expect(headers.contains("cache-control: no-store"), "\(path)")
            #expect(headers.contains("permissions-policy: camera=(), microphone=(), geolocation=()"), "\(path)")
            #expect(!headers.contains("set-cookie"), "\(path)")
            #expect(!headers.contains("\nserver:"), "\(path)")
            #expect(!headers.contains("onion-location"), "\(path)")
        }
        #expect(answers["POST /submissions"]?.hasPrefix("http/1.1 415") == true)
    }

    @Test("a path with a NUL or another control character is refused with 400, never served as the file before it")
    func controlCharactersInPaths() async throws {
        let server = try TestServer()
        let answers = try await server.run { port in
            var answers: [String] = []
            for path in ["/submit.js%00.png", "/style.css%00", "/submit.js%0a", "/submit.js"] {
                answers.append(try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]).stdoutText)
            }
            return answers
        }
        for answer in answers.dropLast() {
            #expect(answer.hasSuffix("400") && !answer.contains("function"), "\(answer.prefix(200))")
        }
        #expect(answers.last?.hasSuffix("200") == true, "the file itself is still served")
    }

    @Test("an operator's onion address is announced with Onion-Location")
    func onionLocation() async throws {
        let server = try TestServer()
        let headers = try await server.run(onionAddress: "exampleonionaddressxyz.onion") { port in
            try await Subprocess.run("curl", ["-sS", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/verify"]).stdoutText
        }
        #expect(headers.contains("Onion-Location: http://exampleonionaddressxyz.onion/verify") || headers.contains("onion-location: http://exampleonionaddressxyz.onion/verify"))
    }
}
