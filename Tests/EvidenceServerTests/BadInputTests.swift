import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct BadInputTests {
    /// Every regular file in the data folder except the ones an empty store has.
    static func storedFiles(_ server: TestServer) -> [String] {
        let walker = FileManager.default.enumerator(atPath: server.data.root.path)!
        return walker.compactMap { $0 as? String }.filter { path in
            let full = server.data.root.appendingPathComponent(path).path
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
            return !isDirectory.boolValue && !path.hasPrefix("evidence.sqlite") && !path.hasPrefix("recipients/")
                && path != "receipt-code.key" && path != "log-signing.key"
        }
    }

    @Test("a non-image upload gets 415 naming the accepted types and leaves nothing behind")
    func unsupportedType() async throws {
        let server = try TestServer()
        let pdf = Paths.corpusFile("exiftool/t/images/PDF.pdf")
        let (json, html) = try await server.run { port in
            (try await Upload.send(port: port, files: [pdf]), try await Upload.send(port: port, files: [pdf], json: false))
        }
        #expect(json.status == 415)
        #expect(json.text.contains("JPEG") && json.text.contains("PNG"), "\(json.text)")
        #expect(html.status == 415)
        #expect(html.text.contains("<h1>"))
        #expect(Self.storedFiles(server).isEmpty, "left behind: \(Self.storedFiles(server))")
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.isEmpty == true, "\(listed.stdoutText)")
    }

    @Test("a JPEG cut short in its image data is accepted and its receipt says from which byte it was kept as received; one cut inside its Exif is refused by name and position with a clear reason, and the good file beside it is kept")
    func truncatedJPEG() async throws {
        let server = try TestServer()
        let whole = try Data(contentsOf: Paths.corpusFile(EndToEndTests.cameraJPEG))
        let cutInImage = server.folder.path("cut-image.jpg")
        try whole.prefix(whole.count / 2).write(to: cutInImage)
        let cutInExif = server.folder.path("cut-exif.jpg")
        try whole.prefix(200).write(to: cutInExif)
        let good = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (json, html, refused) = try await server.run { port in
            (try await Upload.send(port: port, files: [good, cutInImage]), try await Upload.send(port: port, files: [cutInImage], json: false),
             try await Upload.send(port: port, files: [good, cutInExif]))
        }
        #expect(json.status == 201, "\(json.text)")
        let byte = try #require(json.receipt?.files.last?.keptAsReceivedAfter, "\(json.text)")
        #expect(byte > 0 && byte < whole.count / 2)
        #expect(json.receipt?.files.first?.keptAsReceivedAfter == nil)
        #expect(html.status == 201 && html.text.contains("Damaged file: cleaned, kept as received after byte \(byte)."), "\(html.text)")
        #expect(refused.status == 201, "\(refused.text)")
        #expect(refused.receipt?.files.count == 1)
        let answer = try JSONSerialization.jsonObject(with: Data(refused.text.utf8)) as? [String: Any]
        let listedRefusals = try #require(answer?["refused"] as? [[String: Any]], "\(refused.text)")
        #expect(listedRefusals.count == 1)
        #expect(listedRefusals.first?["position"] as? Int == 2 && listedRefusals.first?["name"] as? String == "cut-exif.jpg")
        #expect(listedRefusals.first?["status"] as? Int == 400)
        let reason = listedRefusals.first?["reason"] as? String ?? ""
        #expect(reason.contains("damaged") || reason.contains("cut short"), "\(reason)")
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 4, "four files from the three submissions, none of them the refused one: \(listed.stdoutText)")
    }

    @Test("an upload cut off mid-body is refused and nothing is kept")
    func truncatedBody() async throws {
        let server = try TestServer()
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\n\u{FF}\u{D8}\u{FF}partial"
        let file = server.folder.path("body")
        try Data(body.utf8).write(to: file)
        let answer = try await server.run { port in
            try await Subprocess.run("curl", [
                "-sS", "-w", "\n%{http_code}", "-H", "Content-Type: multipart/form-data; boundary=XyZ",
                "--data-binary", "@\(file.path)", "http://127.0.0.1:\(port)/submissions",
            ])
        }
        #expect(answer.stdoutText.hasSuffix("400"), "\(answer.stdoutText)")
        #expect(Self.storedFiles(server).isEmpty)
    }

    @Test("a file over the size limit gets a readable 413 page, not a reset connection, and nothing is kept")
    func tooLarge() async throws {
        let server = try TestServer()
        let big = Paths.corpusFile("metadata-extractor-images/jpg/Apple iPhone 6.jpg")
        let answer = try await server.run(maxFileBytes: 100_000) { port in
            try await Upload.send(port: port, files: [big], json: false)
        }
        #expect(answer.status == 413)
        #expect(answer.text.contains("too large") && answer.text.contains("<h1>"), "\(answer.text)")
        #expect(Self.storedFiles(server).isEmpty, "left behind: \(Self.storedFiles(server))")
    }

    @Test("a Content-Length over the submission limit is refused with 413 before the body is sent")
    func tooLargeByLength() async throws {
        let server = try TestServer()
        let big = Paths.corpusFile("metadata-extractor-images/jpg/Apple iPhone 6.jpg")
        let (answer, seconds) = try await server.run(maxSubmissionBytes: 1_000_000) { port in
            let start = Date()
            let answer = try await Upload.send(port: port, files: [big], json: false)
            return (answer, Date().timeIntervalSince(start))
        }
        #expect(answer.status == 413)
        #expect(answer.text.contains("larger than the limit"), "\(answer.text)")
        // curl sends Expect: 100-continue; without an early answer it would wait 10 s (Upload.send), then send 2.6 MB.
        #expect(seconds < 5, "took \(seconds) s")
        #expect(Self.storedFiles(server).isEmpty)
    }

    @Test("a wrong passphrase in export exits 2 with a clear message and writes nothing")
    func wrongPassphrase() async throws {
        let server = try TestServer()
        let answer = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        #expect(answer.status == 201)
        let out = server.folder.path("out")
        let result = try await server.review(["export", "1", "--key", server.keyFile.path, "--to", out.path], passphrase: "not the passphrase")
        #expect(result.status == 2)
        #expect(result.stderr.contains("wrong passphrase"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("1.jpg").path))
    }

    @Test("unknown ids and a damaged blob give clear errors")
    func unknownIdAndDamagedBlob() async throws {
        let server = try TestServer()
        let answer = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        #expect(answer.status == 201)
        let unknown = try await server.review(["show", "42"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no file with id 42"))

        // Flip one byte in the middle of the sealed blob.
        let blob = try #require(Self.storedFiles(server).first { $0.hasPrefix("blobs/") && !$0.hasPrefix("blobs/tmp") })
        let url = server.data.root.appendingPathComponent(blob)
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[bytes.count - 40] ^= 0x01
        try Data(bytes).write(to: url)
        let out = server.folder.path("out")
        let damaged = try await server.review(["export", "1", "--key", server.keyFile.path, "--to", out.path])
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("chunk"), "\(damaged.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true)
    }
}
