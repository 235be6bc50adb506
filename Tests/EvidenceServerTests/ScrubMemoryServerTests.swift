import Foundation
import Testing

/// Issue 21, item 3: past the process's budget for cleaning large files (`--scrub-memory`), an upload is refused with
/// 503, and the server goes on taking what fits.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct ScrubMemoryServerTests {
    @Test("a video whose index does not fit the cleaning budget gets 503, a photo beside it in another submission 201")
    func busyVideoGets503() async throws {
        let store = try TestServer()
        let server = try await ServerProcess(data: store.data.root, environment: ["EVIDENCE_SCRUB_MEMORY": "1000"])
        let video = Paths.corpusFile("metadata-extractor-images/mp4/sample_mpeg4.mp4")
        let refused = try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "-F", "files=@\(video.path)", "http://127.0.0.1:\(server.port)/submissions"])
        let photo = try await Upload.send(port: server.port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)])
        server.signal(SIGTERM)
        _ = try await server.waitForExit(seconds: 20)
        #expect(refused.stdoutText.hasSuffix("503"), "\(refused.stdoutText.suffix(300))")
        #expect(refused.stdoutText.contains("Too many uploads right now"))
        #expect(photo.status == 201)
    }
}
