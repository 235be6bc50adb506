import Foundation
import Testing

/// SIGTERM drains uploads in flight up to a deadline, then the process exits; nothing half-done is left.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ShutdownTests {
    static func slowUpload(port: Int, file: URL, rate: String) async throws -> String {
        try await Subprocess.run("curl", [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--limit-rate", rate, "-F", "files=@\(file.path)",
            "http://127.0.0.1:\(port)/submissions",
        ]).stdoutText
    }

    @Test("SIGTERM: no new connections, the upload in flight finishes and is stored, the process exits 0")
    func drains() async throws {
        let store = try TestServer()
        let file = try ServerLimitsTests.wav(in: store.folder, size: 6_000_000)
        let server = try await ServerProcess(data: store.data.root, environment: ["EVIDENCE_DRAIN_SECONDS": "20"])
        async let upload = Self.slowUpload(port: server.port, file: file, rate: "2M")
        try await Task.sleep(for: .milliseconds(800))
        server.signal(SIGTERM)
        try await Task.sleep(for: .milliseconds(500))
        let late = try await Subprocess.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/healthz"])
        #expect(late.stdoutText != "200", "a new connection was served after SIGTERM")
        #expect(try await upload == "201", "the upload in flight was not finished: \(server.text)")
        #expect(try await server.waitForExit(seconds: 10) == 0, "\(server.text)")
        let listed = try await store.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 1)
    }

    @Test("SIGTERM with an upload slower than the drain deadline: exit at the deadline, no record, a clean spool on restart")
    func deadline() async throws {
        let store = try TestServer()
        let file = try ServerLimitsTests.wav(in: store.folder, size: 8_000_000)
        let server = try await ServerProcess(data: store.data.root, environment: ["EVIDENCE_DRAIN_SECONDS": "1"])
        async let upload = Self.slowUpload(port: server.port, file: file, rate: "1M")
        try await Task.sleep(for: .milliseconds(800))
        let signalled = Date()
        server.signal(SIGTERM)
        let status = try await server.waitForExit(seconds: 8)
        #expect(status == 0, "\(server.text)")
        #expect(Date().timeIntervalSince(signalled) < 4)
        #expect(try await upload != "201")
        #expect(server.text.contains("drain deadline passed"))
        // A restart clears what the cut upload left in the spool; nothing was recorded.
        let again = try await ServerProcess(data: store.data.root)
        again.signal(SIGTERM)
        _ = try await again.waitForExit(seconds: 10)
        let spool = try FileManager.default.contentsOfDirectory(atPath: store.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "\(spool)")
        let listed = try await store.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.isEmpty == true)
    }
}
