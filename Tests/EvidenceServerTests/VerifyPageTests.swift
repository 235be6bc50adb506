import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct VerifyPageTests {
    @Test("the verify page finds a received file by hash or by upload, stores nothing, and says when a file is unknown")
    func verifyPage() async throws {
        let server = try TestServer()
        let source = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let other = Paths.corpusFile(EndToEndTests.textPNG)
        let (byHash, byUpload, unknown, invalid, blobsAfter) = try await server.run { port in
            let receipt = try #require(try await Upload.send(port: port, files: [source]).receipt)
            let sha = receipt.files[0].originalSHA256
            let blobsBefore = regularFiles(under: server.data.blobs).count
            let base = "http://127.0.0.1:\(port)/verify"
            let byHash = try await Subprocess.run("curl", ["-sS", "\(base)?sha256=\(sha)"])
            let byUpload = try await Subprocess.run("curl", ["-sS", "-F", "file=@\(source.path)", base])
            let unknown = try await Subprocess.run("curl", ["-sS", "-F", "file=@\(other.path)", base])
            let invalid = try await Subprocess.run("curl", ["-sS", "-w", "%{http_code}", "\(base)?sha256=xyz"])
            return (byHash, byUpload, unknown, invalid, regularFiles(under: server.data.blobs).count - blobsBefore)
        }
        #expect(byHash.stdoutText.contains("Found in the log"))
        #expect(byHash.stdoutText.contains("recorded as entry 0 of a log of"))
        #expect(byUpload.stdoutText.contains("Found in the log"))
        #expect(unknown.stdoutText.contains("Not found"))
        #expect(invalid.stdoutText.hasSuffix("400"))
        #expect(blobsAfter == 0, "checking a file stored something")
        // Only the proof: no type, size or hour of the submission on the page.
        #expect(!byHash.stdoutText.contains("image/jpeg") && !byHash.stdoutText.contains("original-size") && !byHash.stdoutText.contains("hour "))
    }
}
