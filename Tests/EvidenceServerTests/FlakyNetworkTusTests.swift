import EvidenceCore
import Foundation
import Testing

/// Issue 21, item 5: resumable uploads on the network they exist for. A real tus client (tuspy, installed by
/// Scripts/test.sh) sends through a proxy that cuts connections at random points, or cuts the client off while
/// holding the server's side of the PATCH open and sending it more bytes late (`Tests/Load/flaky_tus.py`).
@Suite(.serialized)
struct FlakyNetworkTusTests {
    @Test("tuspy through a proxy that drops connections: no 5xx, and the receipt's SHA-256 is sha256sum's", arguments: [1, 2, 3])
    func tuspyFinishesThroughDrops(seed: Int) async throws {
        let store = try TestServer()
        let server = try await ServerProcess(data: store.data.root)
        let file = try ServerLimitsTests.wav(in: store.folder, size: 3_000_000 + seed)
        let sent = try await Subprocess.run("python3", [LoadTests.script("flaky_tus.py"), String(server.port), file.path, String(seed)])
        #expect(sent.status == 0, "\(sent.stderr)")
        let result = LoadTests.object(sent.stdout)
        let files = try #require(result["files"] as? [[String: Any]], "\(sent.stdoutText) \(sent.stderr)")
        let sha256sum = try await Subprocess.run("sha256sum", [file.path])
        #expect(files.first?["originalSHA256"] as? String == sha256sum.stdoutText.split(separator: " ").first.map(String.init))
        #expect((result["server_errors"] as? [String])?.isEmpty == true, "\(result)")
        let faults = try #require(result["faults"] as? [String: Int])
        #expect(faults["cut", default: 0] + faults["stale", default: 0] > 0, "the proxy broke nothing: \(faults)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit(seconds: 20)
    }
}
