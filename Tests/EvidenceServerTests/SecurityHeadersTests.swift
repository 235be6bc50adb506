import Foundation
import Testing

@Suite(.serialized)
struct SecurityHeadersTests {
    static let paths = ["/", "/style.css", "/verify.js", "/verify", "/status", "/log/key", "/log/checkpoint", "/healthz", "/no-such-page"]

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
        for (path, headers) in answers {
            #expect(headers.contains("content-security-policy: default-src 'none'"), "\(path)")
            #expect(headers.contains("frame-ancestors 'none'") && !headers.contains("unsafe-inline"), "\(path)")
            #expect(headers.contains("referrer-policy: no-referrer"), "\(path)")
            #expect(headers.contains("x-content-type-options: nosniff"), "\(path)")
            #expect(headers.contains("cache-control: no-store"), "\(path)")
            #expect(headers.contains("permissions-policy:"), "\(path)")
            #expect(!headers.contains("set-cookie"), "\(path)")
            #expect(!headers.contains("\nserver:"), "\(path)")
            #expect(!headers.contains("onion-location"), "\(path)")
        }
        #expect(answers["POST /submissions"]?.hasPrefix("http/1.1 415") == true)
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
