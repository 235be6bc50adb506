import Foundation
@testable import EvidenceServer
import Testing

/// A bad file refuses only itself: the good files beside it are recorded, and the answer names each refused file by
/// its place and name, with the reason, in the submitter's language.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct PerFileRefusalTests {
    static let pdf = Paths.corpusFile("exiftool/t/images/PDF.pdf")

    /// A JPEG cut inside its Exif: a structure that can hold metadata cannot be read, so it is refused.
    static func cutInExif(_ server: TestServer) throws -> URL {
        try server.folder.write("cut.jpg", try Data(contentsOf: Paths.corpusFile(EndToEndTests.cameraJPEG)).prefix(200))
    }

    static func post(_ port: Int, _ fields: [String], path: String = "/submissions", json: Bool = false, language: String = "en") async throws -> Upload.Answer {
        var arguments = ["-sS", "-w", "\n%{http_code}", "-H", "Accept-Language: \(language)"]
        if json { arguments += ["-H", "Accept: application/json"] }
        for field in fields { arguments += ["-F", field] }
        let result = try await Subprocess.run("curl", arguments + ["http://127.0.0.1:\(port)\(path)"])
        let text = result.stdoutText
        let cut = text.lastIndex(of: "\n") ?? text.endIndex
        return Upload.Answer(status: Int(text[cut...].dropFirst()) ?? 0, body: Data(text[..<cut].utf8))
    }

    /// The text of the receipt page's `data:` download of this media type.
    static func download(_ page: String, type: String) -> String? {
        guard let start = page.range(of: "data:\(type);base64,") else { return nil }
        let encoded = page[start.upperBound...].prefix { $0 != "\"" }
        return Data(base64Encoded: String(encoded)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func refusals(_ answer: Upload.Answer) -> [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any])?["refused"] as? [[String: Any]] ?? []
    }

    static func storedFileCount(_ server: TestServer) async throws -> Int {
        let listed = try await server.review(["list", "--status", "all", "--json"])
        return (try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count ?? -1
    }

    @Test("without JavaScript, in Russian: a photo, a PDF and a photo cut in its Exif give a receipt for the photo that lists the other two by place, name and reason; their names are stored nowhere")
    func mixedFormPost() async throws {
        let server = try TestServer()
        let cut = try Self.cutInExif(server)
        let page = try await server.run { port in
            try await Self.post(port, [
                "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)", "files=@\(Self.pdf.path);filename=отчёт.pdf",
                "files=@\(cut.path);filename=снимок-обрезан.jpg",
            ], language: "ru")
        }
        let ru = try LanguageTests.catalogue("ru")
        #expect(page.status == 201, "\(page.text.prefix(500))")
        #expect(page.text.contains(LanguageTests.escaped(ru["refused_title"]!)), "\(page.text)")
        #expect(page.text.contains(#"<li data-position="2"><strong>Файл 2: <bdi class="file-name">отчёт.pdf</bdi></strong>"#), "\(page.text)")
        #expect(page.text.contains(#"<li data-position="3"><strong>Файл 3: <bdi class="file-name">снимок-обрезан.jpg</bdi></strong>"#))
        #expect(page.text.contains(LanguageTests.escaped(ru["error_unsupported"]!)))
        #expect(page.text.contains(LanguageTests.escaped(ru["error_damaged"]!)))
        // The saved receipts list them too.
        let text = try #require(Self.download(page.text, type: "text/plain;charset=utf-8"), "no text download")
        #expect(text.contains(ru["refused_title"]!) && text.contains("Файл 2: отчёт.pdf — \(ru["error_unsupported"]!)"), "\(text)")
        #expect(text.contains("Файл 3: снимок-обрезан.jpg — \(ru["error_damaged"]!)"))
        let json = try #require(Self.download(page.text, type: "application/json"), "no JSON download")
        let saved = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let savedRefusals = saved?["refused"] as? [[String: Any]] ?? []
        #expect(savedRefusals.map { $0["position"] as? Int } == [2, 3] && savedRefusals.map { $0["status"] as? Int } == [415, 400], "\(json)")
        #expect(try await Self.storedFileCount(server) == 1)
        // The names went back to the submitter and nowhere else.
        let traces = try await Subprocess.run("grep", ["-rlF", "-e", "отчёт", "-e", "снимок-обрезан", server.data.root.path])
        #expect(traces.stdoutText.isEmpty && traces.status == 1, "\(traces.stdoutText)")
        #expect(BadInputTests.storedFiles(server).allSatisfy { !$0.hasPrefix("spool/") || $0.hasSuffix(".key") }, "\(BadInputTests.storedFiles(server))")
    }

    @Test("every file refused: the first one's status, a page that names each, nothing stored; JSON lists each with its status")
    func everyFileRefused() async throws {
        let server = try TestServer()
        let cut = try Self.cutInExif(server)
        let (page, json) = try await server.run { port in
            (try await Self.post(port, ["files=@\(Self.pdf.path)", "files=@\(cut.path)"]),
             try await Self.post(port, ["files=@\(cut.path)", "files=@\(Self.pdf.path)"], json: true))
        }
        #expect(page.status == 415)
        #expect(page.text.contains("None of the files could be received") && page.text.contains("PDF.pdf") && page.text.contains("cut.jpg"), "\(page.text)")
        #expect(page.text.contains("Nothing from this attempt was kept."))
        #expect(json.status == 400)
        let listed = Self.refusals(json)
        #expect(listed.map { $0["position"] as? Int } == [1, 2] && listed.map { $0["status"] as? Int } == [400, 415], "\(json.text)")
        #expect(try await Self.storedFileCount(server) == 0)
        #expect(BadInputTests.storedFiles(server).isEmpty, "left behind: \(BadInputTests.storedFiles(server))")
    }

    @Test("a file over the size limit between two good ones is refused alone, its bytes read and dropped; the two are kept")
    func oversizedBesideGood() async throws {
        let server = try TestServer()
        let big = Paths.corpusFile("metadata-extractor-images/jpg/Apple iPhone 6.jpg")
        let answer = try await server.run(maxFileBytes: 100_000) { port in
            try await Self.post(port, [
                "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)", "files=@\(big.path)",
                "files=@\(Paths.corpusFile(EndToEndTests.textPNG).path)",
            ], json: true)
        }
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.receipt?.files.map(\.type) == ["image/jpeg", "image/png"])
        let listed = Self.refusals(answer)
        #expect(listed.count == 1 && listed.first?["position"] as? Int == 2 && listed.first?["status"] as? Int == 413, "\(answer.text)")
        #expect(listed.first?["name"] as? String == "Apple iPhone 6.jpg")
        #expect(try await Self.storedFileCount(server) == 2)
    }

    @Test("a file the browser left out (its first bytes showed no accepted type) is listed on the receipt in its place")
    func leftOutByTheBrowser() async throws {
        let server = try TestServer()
        let answer = try await server.run { port in
            try await Self.post(port, ["skipped=notes.docx", "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)"], json: true)
        }
        #expect(answer.status == 201, "\(answer.text)")
        let listed = Self.refusals(answer)
        #expect(listed.count == 1 && listed.first?["position"] as? Int == 1 && listed.first?["name"] as? String == "notes.docx", "\(answer.text)")
        #expect(listed.first?["status"] as? Int == 415)
        #expect(try await Self.storedFileCount(server) == 1)
    }

    @Test("as the JavaScript client sends: a photo cut in its Exif goes up whole with tus, and the form naming it beside a good upload gets a receipt that lists it by its name and place")
    func damagedThroughTus() async throws {
        let server = try TestServer()
        let cut = try Self.cutInExif(server)
        let answer = try await server.run { port in
            let base = "http://127.0.0.1:\(port)"
            var fields: [String] = []
            for (name, file) in [("good.jpg", Paths.corpusFile(EndToEndTests.gpsJPEG)), ("снимок.jpg", cut)] {
                let size = try Data(contentsOf: file).count
                let tus = ["-H", "Tus-Resumable: 1.0.0"]
                let created = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(size)", "\(base)/uploads"])
                let location = try #require(TusTests.header("Location", in: created.headers))
                let patched = try await TusTests.curl(
                    ["-X", "PATCH"] + tus + ["-H", "Expect:", "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0",
                                             "--data-binary", "@\(file.path)", base + location])
                #expect(patched.status == 204, "\(name): \(patched.status)")
                fields += ["upload_name=\(name)", "upload=\(base + location)"]
            }
            return try await Self.post(port, fields, json: true)
        }
        #expect(answer.status == 201, "\(answer.text)")
        #expect(answer.receipt?.files.count == 1)
        let listed = Self.refusals(answer)
        #expect(listed.count == 1 && listed.first?["position"] as? Int == 2 && listed.first?["name"] as? String == "снимок.jpg", "\(answer.text)")
        #expect(listed.first?["status"] as? Int == 400)
        #expect(try await Self.storedFileCount(server) == 1)
    }

    @Test("names are shown as names: no path, no control or direction-changing characters, cut when very long")
    func namesCleaned() {
        #expect(SubmittedFile.displayName(#"C:\Users\me\Pictures\IMG_1.jpg"#) == "IMG_1.jpg")
        #expect(SubmittedFile.displayName("a\u{202E}gpj.exe\u{0007}") == "agpj.exe")
        let long = SubmittedFile.displayName(String(repeating: "я", count: 300))
        #expect(long.count == SubmittedFile.maxNameCharacters && long.hasSuffix("…"))
        #expect(MultipartPartHeaders.decodeExtended("UTF-8''%D1%84%D0%BE%D1%82%D0%BE.jpg") == "фото.jpg")
    }

    @Test("from the status page, a message and a PDF: the message is added, the PDF listed as not received")
    func statusPageAddition() async throws {
        let server = try TestServer()
        let (added, shown) = try await server.run { port in
            let first = try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)], message: "first").receipt)
            let added = try await Self.post(port, ["code=\(first.code)", "message=second", "files=@\(Self.pdf.path)"], path: "/status/add")
            return (added, try await server.review(["show", "1", "--json", "--key", server.keyFile.path]))
        }
        #expect(added.status == 201, "\(added.text)")
        #expect(added.text.contains("Added to your submission") && added.text.contains("Files not received") && added.text.contains("PDF.pdf"))
        #expect((try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["message"] as? String == "first\n\nsecond")
        #expect(try await Self.storedFileCount(server) == 1)
    }
}
