import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct VerifyPageTests {
    @Test("the verify page finds a received file by hash or by upload only with its opening, or by its receipt; stores nothing")
    func verifyPage() async throws {
        let server = try TestServer()
        let source = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let other = Paths.corpusFile(EndToEndTests.textPNG)
        let receiptFile = server.folder.path("receipt.json")
        let (answers, blobsAfter) = try await server.run { port in
            let receipt = try #require(try await Upload.send(port: port, files: [source]).receipt)
            try JSONEncoder().encode(receipt).write(to: receiptFile)
            let sha = receipt.files[0].originalSHA256
            let cleaned = receipt.files[0].cleanedSHA256
            let opening = receipt.files[0].opening
            let blobsBefore = regularFiles(under: server.data.blobs).count
            let base = "http://127.0.0.1:\(port)/verify"
            let curl = { (arguments: [String]) in try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}"] + arguments).stdoutText }
            let answers = [
                "byHash": try await curl(["\(base)?sha256=\(sha)&opening=\(opening)"]),
                "byCleanedHash": try await curl(["-F", "sha256=\(cleaned)", "-F", "opening=\(opening.uppercased())", base]),
                "byUpload": try await curl(["-F", "file=@\(source.path)", "-F", "opening=\(opening)", base]),
                "byReceipt": try await curl(["-F", "receipt=@\(receiptFile.path)", base]),
                "byReceiptAndFile": try await curl(["-F", "file=@\(source.path)", "-F", "receipt=@\(receiptFile.path)", base]),
                "bareHash": try await curl(["\(base)?sha256=\(sha)"]),
                "bareUpload": try await curl(["-F", "file=@\(source.path)", base]),
                "unknown": try await curl(["-F", "file=@\(other.path)", "-F", "opening=\(opening)", base]),
                "invalid": try await curl(["\(base)?sha256=xyz"]),
                "badOpening": try await curl(["\(base)?sha256=\(sha)&opening=12"]),
                "notReceipt": try await curl(["-F", "receipt=@\(source.path)", base]),
                "longOpening": try await curl(["-F", "sha256=\(sha)", "-F", "opening=\(String(repeating: "a", count: 300))", base]),
            ]
            return (answers, regularFiles(under: server.data.blobs).count - blobsBefore)
        }
        for name in ["byHash", "byCleanedHash", "byUpload", "byReceipt", "byReceiptAndFile"] {
            #expect(answers[name]!.contains("Found in the log") && answers[name]!.hasSuffix("200"), "\(name): \(answers[name]!)")
        }
        #expect(answers["byHash"]!.contains("recorded as entry 0 of a log of"))
        // The proof to download is a data URL: the opening goes into no link a proxy or the history would keep.
        #expect(answers["byHash"]!.contains("href=\"data:application/json;base64,") && !answers["byHash"]!.contains("opening="))
        for name in ["bareHash", "bareUpload", "unknown"] {
            #expect(answers[name]!.contains("Not found") && answers[name]!.hasSuffix("200"), "\(name): \(answers[name]!)")
        }
        for name in ["invalid", "badOpening", "notReceipt", "longOpening"] {
            #expect(answers[name]!.hasSuffix("400"), "\(name): \(answers[name]!)")
        }
        #expect(answers["longOpening"]!.contains("A proof key is 64 characters"), "\(answers["longOpening"]!)")
        #expect(blobsAfter == 0, "checking a file stored something")
        // Only the proof: no type, size or hour of the submission on the page.
        let found = answers["byHash"]!
        #expect(!found.contains("image/jpeg") && !found.contains("original-size") && !found.contains("hour "))
    }
}
