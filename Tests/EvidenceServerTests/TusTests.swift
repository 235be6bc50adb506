import EvidenceCore
import Foundation
import Testing

/// tus 1.0 (core, creation, termination) at the HTTP level, with curl.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct TusTests {
    static func curl(_ arguments: [String]) async throws -> (status: Int, headers: String) {
        let result = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "-D", "-"] + arguments)
        let status = Int(result.stdoutText.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, result.stdoutText)
    }

    static func header(_ name: String, in headers: String) -> String? {
        headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    @Test("an upload in two pieces survives a restart, is stored only encrypted, and finishes into a submission")
    func resumableUpload() async throws {
        let server = try TestServer()
        let marker = "TUS-MARKER-\(UUID().uuidString)"
        let bytes = try AnonymityTests.jpeg(withMarker: marker)
        let source = server.folder.path("source.jpg")
        try Data(bytes).write(to: source)
        let half = bytes.count / 2
        let first = server.folder.path("first")
        let second = server.folder.path("second")
        try Data(bytes[..<half]).write(to: first)
        try Data(bytes[half...]).write(to: second)
        let tus = ["-H", "Tus-Resumable: 1.0.0"]

        // This file's halves are under the server's 16 KiB minimum for a piece that does not end the upload.
        let location = try await server.run(limits: { $0.minimumPieceBytes = 1000 }) { port in
            let base = "http://127.0.0.1:\(port)"
            let options = try await Self.curl(["-X", "OPTIONS", "\(base)/uploads"])
            #expect(options.status == 204 && Self.header("Tus-Version", in: options.headers) == "1.0.0")
            #expect(try await Self.curl(["-X", "POST", "-H", "Upload-Length: 10", "\(base)/uploads"]).status == 412)
            let created = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(bytes.count)", "\(base)/uploads"])
            #expect(created.status == 201)
            let location = try #require(Self.header("Location", in: created.headers))
            let patch = ["-X", "PATCH"] + tus + ["-H", "Content-Type: application/offset+octet-stream"]
            #expect(try await Self.curl(patch + ["-H", "Upload-Offset: 5", "--data-binary", "@\(first.path)", base + location]).status == 409)
            let firstPatch = try await Self.curl(patch + ["-H", "Upload-Offset: 0", "--data-binary", "@\(first.path)", base + location])
            #expect(firstPatch.status == 204 && Self.header("Upload-Offset", in: firstPatch.headers) == "\(half)")
            return location
        }
        // The partial upload on disk is ciphertext.
        #expect(try await filesContaining(marker, under: server.data.root).isEmpty)

        // A new server process on the same data folder: the upload resumes where it stopped.
        let receipt = try await server.run(limits: { $0.minimumPieceBytes = 1000 }) { port in
            let base = "http://127.0.0.1:\(port)"
            let state = try await Self.curl(["-I"] + tus + [base + location])
            #expect(state.status == 200 && Self.header("Upload-Offset", in: state.headers) == "\(half)")
            #expect(Self.header("Upload-Length", in: state.headers) == "\(bytes.count)")
            let wrongSecret = String(location.dropLast(4)) + "0000"
            #expect(try await Self.curl(["-I"] + tus + [base + wrongSecret]).status == 404)
            let patch = ["-X", "PATCH"] + tus + ["-H", "Content-Type: application/offset+octet-stream"]
            let done = try await Self.curl(patch + ["-H", "Upload-Offset: \(half)", "--data-binary", "@\(second.path)", base + location])
            #expect(Self.header("Upload-Offset", in: done.headers) == "\(bytes.count)")
            let answer = try await Subprocess.run("curl", [
                "-sS", "-H", "Accept: application/json", "-F", "upload=\(base + location)", "-F", "message=resumed", "\(base)/submissions",
            ])
            return try JSONDecoder().decode(Receipt.self, from: answer.stdout)
        }
        let expected = try await Subprocess.run("sha256sum", [source.path]).stdoutText.prefix(64)
        #expect(receipt.files.count == 1)
        #expect(receipt.files.first?.originalSHA256 == String(expected))
        #expect(try await filesContaining(marker, under: server.data.root).isEmpty)
        #expect((try? FileManager.default.contentsOfDirectory(atPath: server.data.spool.appendingPathComponent("partial").path))?.isEmpty ?? true)
        // The cleaned copy keeps the scan data, marker included: the reviewer's export finds it.
        let out = server.folder.path("out")
        #expect(try await server.review(["export", "1", "--key", server.keyFile.path, "--to", out.path]).status == 0)
        #expect(try await filesContaining(marker, under: out).count == 1)
    }

    @Test("termination removes an upload; an unknown upload in the form is refused")
    func termination() async throws {
        let server = try TestServer()
        let tus = ["-H", "Tus-Resumable: 1.0.0"]
        let (deleted, after, refused) = try await server.run { port in
            let base = "http://127.0.0.1:\(port)"
            let created = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 100", "\(base)/uploads"])
            let location = try #require(Self.header("Location", in: created.headers))
            let deleted = try await Self.curl(["-X", "DELETE"] + tus + [base + location])
            let after = try await Self.curl(["-I"] + tus + [base + location])
            let refused = try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "-F", "upload=\(base + location)", "\(base)/submissions"])
            return (deleted, after, refused)
        }
        #expect(deleted.status == 204)
        #expect(after.status == 404)
        #expect(refused.stdoutText.hasSuffix("400"))
    }

    @Test("a form naming one finished and one unfinished upload is refused, and the finished one stays to be named again")
    func formWithOneFailedUploadKeepsTheFinishedOne() async throws {
        let server = try TestServer()
        let tus = ["-H", "Tus-Resumable: 1.0.0"]
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let size = try FileManager.default.attributesOfItem(atPath: photo.path)[.size] as! Int
        let (refused, finishedAfter, accepted) = try await server.run { port in
            let base = "http://127.0.0.1:\(port)"
            let finished = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(size)", "\(base)/uploads"])
            let done = try #require(Self.header("Location", in: finished.headers))
            let patch = ["-X", "PATCH"] + tus + ["-H", "Expect:", "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0"]
            #expect(try await Self.curl(patch + ["--data-binary", "@\(photo.path)", base + done]).status == 204)
            let unfinished = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 1000000", "\(base)/uploads"])
            let open = try #require(Self.header("Location", in: unfinished.headers))
            let refused = try await Subprocess.run("curl", [
                "-sS", "-w", "\n%{http_code}", "-F", "upload=\(base + done)", "-F", "upload=\(base + open)", "\(base)/submissions",
            ])
            let finishedAfter = try await Self.curl(["-I"] + tus + [base + done])
            let accepted = try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "-F", "upload=\(base + done)", "\(base)/submissions"])
            return (refused.stdoutText, finishedAfter, accepted.stdoutText)
        }
        #expect(refused.hasSuffix("400"), "\(refused.suffix(200))")
        #expect(finishedAfter.status == 200 && Self.header("Upload-Offset", in: finishedAfter.headers) == "\(size)")
        #expect(accepted.hasSuffix("201"), "\(accepted.suffix(200))")
    }

    @Test("over HTTP, an upload past its age is gone at once: HEAD and PATCH get 404, its folder is removed, the form refuses it")
    func expiryOverHTTP() async throws {
        let server = try TestServer()
        let tus = ["-H", "Tus-Resumable: 1.0.0"]
        let piece = try server.folder.write("piece", Data(repeating: 7, count: 1000))
        let (fresh, after, patched, refused, versionless) = try await server.run(limits: { $0.minimumPieceBytes = 1000 }) { port in
            let base = "http://127.0.0.1:\(port)"
            let created = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 5000", "\(base)/uploads"])
            let location = try #require(Self.header("Location", in: created.headers))
            let patch = ["-X", "PATCH"] + tus + ["-H", "Content-Type: application/offset+octet-stream"]
            _ = try await Self.curl(patch + ["-H", "Upload-Offset: 0", "--data-binary", "@\(piece.path)", base + location])
            let fresh = try await Self.curl(["-I"] + tus + [base + location])
            // 25 hours pass: the upload's recorded start hour is moved back, as the clock would have moved on.
            let id = String(location.split(separator: "/").last!.split(separator: "-")[0])
            let info = server.data.spool.appendingPathComponent("partial").appendingPathComponent(id).appendingPathComponent("info.json")
            var fields = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: info)) as? [String: Any])
            fields["hour"] = (fields["hour"] as! Int) - 25 * 3600
            try JSONSerialization.data(withJSONObject: fields).write(to: info)
            let after = try await Self.curl(["-I"] + tus + [base + location])
            let patched = try await Self.curl(patch + ["-H", "Upload-Offset: 1000", "--data-binary", "@\(piece.path)", base + location])
            let refused = try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "-F", "upload=\(base + location)", "\(base)/submissions"])
            let versionless = try await Self.curl(["-X", "POST", "-H", "Upload-Length: 10", "\(base)/uploads"])
            return (fresh, after, patched, refused, versionless)
        }
        #expect(fresh.status == 200 && Self.header("Upload-Offset", in: fresh.headers) == "1000")
        #expect(after.status == 404)
        #expect(patched.status == 404)
        #expect(refused.stdoutText.hasSuffix("400"))
        let left = try FileManager.default.contentsOfDirectory(atPath: server.data.spool.appendingPathComponent("partial").path)
        #expect(left.isEmpty, "\(left)")
        // tus: a 412 names the versions the server supports.
        #expect(versionless.status == 412 && Self.header("Tus-Version", in: versionless.headers) == "1.0.0")
    }

    @Test("a PATCH of the wrong type gets 415, one past the declared length 413, and neither moves the offset")
    func patchRefusals() async throws {
        let server = try TestServer()
        let tus = ["-H", "Tus-Resumable: 1.0.0", "-H", "Expect:"]
        let piece = try server.folder.write("piece", Data(repeating: 7, count: 1000))
        let (wrongType, tooLong, state) = try await server.run { port in
            let base = "http://127.0.0.1:\(port)"
            let created = try await Self.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 600", "\(base)/uploads"])
            let location = try #require(Self.header("Location", in: created.headers))
            let wrongType = try await Self.curl(["-X", "PATCH"] + tus + [
                "-H", "Content-Type: application/octet-stream", "-H", "Upload-Offset: 0", "--data-binary", "@\(piece.path)", base + location,
            ])
            let tooLong = try await Self.curl(["-X", "PATCH"] + tus + [
                "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0", "--data-binary", "@\(piece.path)", base + location,
            ])
            return (wrongType, tooLong, try await Self.curl(["-I"] + tus + [base + location]))
        }
        #expect(wrongType.status == 415)
        #expect(tooLong.status == 413)
        // What fitted the declared length is kept; nothing beyond it.
        #expect(state.status == 200 && Self.header("Upload-Offset", in: state.headers) == "600", "\(state.headers)")
    }

    @Test("uploads older than the age limit are removed, fresh ones stay")
    func expiry() throws {
        let folder = try TestFolder()
        let partials = PartialUploads(spool: folder.url, maxAge: 24 * 3600)
        let handle = try partials.create(length: 10)
        #expect(partials.removeExpired() == 0)
        #expect(try partials.state(handle) != nil)
        #expect(partials.removeExpired(now: Date().addingTimeInterval(26 * 3600)) == 1)
        #expect(try partials.state(handle) == nil)
    }
}
