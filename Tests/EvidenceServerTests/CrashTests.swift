import Foundation
import Testing

/// SIGKILL at the worst moments: while the upload is spooled, after its blobs are sealed, inside the database
/// commit. Each time the restarted server holds no half record, no orphan blob, no spool file, no plaintext, and
/// `evidence-review verify` passes.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct CrashTests {
    static let marker = "crash-test-marker-5d1f"

    @Test("killed at a pause point, the store recovers to as if the upload never came", arguments: ["spooled", "sealed", "committing"])
    func killedAt(point: String) async throws {
        let store = try TestServer()
        let server = try await ServerProcess(data: store.data.root, environment: ["EVIDENCE_TEST_PAUSE_AT": point])
        // An upload that reaches the pause; its message carries a marker that must not survive anywhere in plaintext.
        let upload = Task {
            try await Subprocess.run("curl", [
                "-sS", "-m", "60", "-F", "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)", "--form-string", "message=\(Self.marker)",
                "-F", "keep_original=1", "http://127.0.0.1:\(server.port)/submissions",
            ])
        }
        #expect(try await server.waitFor("paused at \(point)", seconds: 20), "\(server.text)")
        server.signal(SIGKILL)
        _ = try await server.waitForExit(seconds: 10)
        _ = try await upload.value

        // Restart: leftovers are cleared on start.
        let again = try await ServerProcess(data: store.data.root)
        let healthy = try await Upload.send(port: again.port, files: [Paths.corpusFile(EndToEndTests.textPNG)])
        again.signal(SIGTERM)
        _ = try await again.waitForExit(seconds: 15)
        #expect(healthy.status == 201, "the restarted server does not take uploads")

        let listed = try JSONSerialization.jsonObject(with: try await store.review(["list", "--status", "all", "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(listed.count == 1, "a half record survived the kill at \(point): \(listed)")
        let spool = try FileManager.default.contentsOfDirectory(atPath: store.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "spool leftovers after a kill at \(point): \(spool)")
        // Exactly the blobs the one good file needs: no orphan of the killed submission (its cleaned copy and original).
        let blobs = store.folder.url.appendingPathComponent("data/blobs")
        let sealed = (FileManager.default.enumerator(atPath: blobs.path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.split(separator: "/").count == 2 && $0.split(separator: "/").first?.count == 2 }
        #expect(sealed.count == 1, "blobs after a kill at \(point): \(sealed)")
        #expect(try await filesContaining(Self.marker, under: store.data.root).isEmpty, "plaintext of the killed upload is on disk")
        let verify = try await store.review(["verify", "--key", store.keyFile.path])
        #expect(verify.status == 0, "\(verify.stdoutText) \(verify.stderr)")
    }

    @Test("a resumable upload survives SIGKILL: after the restart it continues from the server's offset")
    func resumableSurvivesKill() async throws {
        let store = try TestServer()
        let file = try ServerLimitsTests.wav(in: store.folder, size: 3_000_000)
        let bytes = try Data(contentsOf: file)
        let server = try await ServerProcess(data: store.data.root)
        let base = "http://127.0.0.1:\(server.port)"
        let created = try await Subprocess.run("curl", [
            "-sS", "-i", "-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: \(bytes.count)", "\(base)/uploads",
        ]).stdoutText
        let location = try #require(created.split(separator: "\r\n").first { $0.lowercased().hasPrefix("location:") })
            .dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
        let half = try store.folder.write("half.bin", bytes.prefix(1_000_000))
        let patched = try await Subprocess.run("curl", [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 0",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "@\(half.path)", "\(base)\(location)",
        ]).stdoutText
        #expect(patched == "204")
        server.signal(SIGKILL)
        _ = try await server.waitForExit(seconds: 10)

        let again = try await ServerProcess(data: store.data.root)
        let url = "http://127.0.0.1:\(again.port)\(location)"
        let head = try await Subprocess.run("curl", ["-sS", "-I", "-H", "Tus-Resumable: 1.0.0", url]).stdoutText
        #expect(head.lowercased().contains("upload-offset: 1000000"), "\(head)")
        let rest = try store.folder.write("rest.bin", bytes.dropFirst(1_000_000))
        let finished = try await Subprocess.run("curl", [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PATCH", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Offset: 1000000",
            "-H", "Content-Type: application/offset+octet-stream", "--data-binary", "@\(rest.path)", url,
        ]).stdoutText
        #expect(finished == "204")
        let receipt = try await Subprocess.run("curl", [
            "-sS", "-H", "Accept: application/json", "-F", "upload=\(location)", "http://127.0.0.1:\(again.port)/submissions",
        ])
        again.signal(SIGTERM)
        _ = try await again.waitForExit(seconds: 15)
        let sha = try await Subprocess.run("sha256sum", [file.path]).stdoutText.split(separator: " ").first.map(String.init)
        #expect(receipt.stdoutText.contains(sha ?? "?"), "\(receipt.stdoutText)")
    }
}
