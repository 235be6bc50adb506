import Foundation
import Testing

@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct KeepOriginalTests {
    @Test("with 'keep my original' ticked, export --original gives back exactly the uploaded file")
    func originalKept() async throws {
        let server = try TestServer()
        let source = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let answer = try await server.run { port in
            try await Subprocess.run("curl", [
                "-sS", "-H", "Accept: application/json", "-F", "files=@\(source.path)", "-F", "keep_original=1",
                "http://127.0.0.1:\(port)/submissions",
            ])
        }
        let receipt = try JSONSerialization.jsonObject(with: answer.stdout) as! [String: Any]
        let file = (receipt["files"] as! [[String: Any]])[0]
        #expect(file["originalKept"] as? Bool == true)

        let out = server.folder.path("out")
        let exported = try await server.review(["export", "1", "--original", "--key", server.keyFile.path, "--to", out.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let uploaded = try await Subprocess.run("sha256sum", [source.path]).stdoutText.prefix(64)
        let kept = try await Subprocess.run("sha256sum", [out.appendingPathComponent("1.original.jpg").path]).stdoutText.prefix(64)
        #expect(kept == uploaded)
        #expect(file["originalSHA256"] as? String == String(uploaded))
        #expect(try await Subprocess.run("sha256sum", ["-c", "manifest.sha256"], in: out).status == 0)
        #expect(try await server.review(["verify", "--key", server.keyFile.path]).status == 0)
        let log = try await server.review(["log", "prove", "1"])
        #expect(log.status == 0)
    }

    @Test("the form asks after the files, and the choice sent after them counts: =0 then =1 (ticked) keeps the original, =0 alone does not; sent before them it counts too, and a tick after a \"no\" sent before the files cannot bring back what was not kept")
    func choiceAfterFiles() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG).path
        let (form, answers) = try await server.run { port in
            let form = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/"])
            var answers: [Subprocess.Result] = []
            for fields in [
                ["files=@\(photo)", "keep_original=0", "keep_original=1"], ["files=@\(photo)", "keep_original=0"],
                ["keep_original=0", "keep_original=1", "files=@\(photo)"], ["keep_original=0", "files=@\(photo)", "keep_original=1"],
            ] {
                answers.append(try await Subprocess.run("curl", ["-sS", "-H", "Accept: application/json"]
                    + fields.flatMap { ["-F", $0] } + ["http://127.0.0.1:\(port)/submissions"]))
            }
            return (form.stdoutText, answers)
        }
        // What a browser sends, in document order: the files, the hidden 0, then the checkbox.
        let hidden = try #require(form.range(of: "type=\"hidden\" name=\"keep_original\" value=\"0\""))
        let box = try #require(form.range(of: "id=\"keep_original\" name=\"keep_original\" type=\"checkbox\" value=\"1\""))
        let files = try #require(form.range(of: "name=\"files\""))
        #expect(files.upperBound < hidden.lowerBound && hidden.upperBound < box.lowerBound)
        let kept = try answers.map { answer in
            let receipt = try JSONSerialization.jsonObject(with: answer.stdout) as! [String: Any]
            return (receipt["files"] as! [[String: Any]])[0]["originalKept"] as? Bool
        }
        // The last: the file arrived while the answer was "no", so its original was not kept, and the receipt says so.
        #expect(kept == [true, false, true, false])
        let exported = try await server.review(["export", "1", "--original", "--key", server.keyFile.path, "--to", server.folder.path("out").path])
        #expect(exported.status == 0, "\(exported.stderr)")
        let uploaded = try await Subprocess.run("sha256sum", [photo]).stdoutText.prefix(64)
        let original = try await Subprocess.run("sha256sum", [server.folder.path("out").appendingPathComponent("1.original.jpg").path])
        #expect(original.stdoutText.prefix(64) == uploaded)
    }

    @Test("the form offers the choice unless the operator switched it off; then a tick is ignored")
    func operatorSwitch() async throws {
        let server = try TestServer()
        let offered = try await server.run { port in try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/"]) }
        #expect(offered.stdoutText.contains("name=\"keep_original\""))
        let (form, raw, answer) = try await server.run(allowingOriginals: false) { port in
            (
                try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/"]),
                try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/index.html"]),
                try await Subprocess.run("curl", [
                    "-sS", "-H", "Accept: application/json", "-F", "files=@\(Paths.corpusFile(EndToEndTests.gpsJPEG).path)",
                    "-F", "keep_original=1", "http://127.0.0.1:\(port)/submissions",
                ])
            )
        }
        #expect(form.stdoutText.contains("name=\"files\""))
        #expect(!form.stdoutText.contains("keep_original"))
        #expect(!raw.stdoutText.contains("keep_original"), "/index.html must not bypass the operator's choice")
        let receipt = try JSONSerialization.jsonObject(with: answer.stdout) as! [String: Any]
        #expect((receipt["files"] as! [[String: Any]])[0]["originalKept"] as? Bool == false)
    }

    @Test("without the tick nothing of the original is kept, and export --original says so")
    func originalNotKept() async throws {
        let server = try TestServer()
        let answer = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        #expect(answer.receipt?.files.first?.originalKept == false)
        let exported = try await server.review(["export", "1", "--original", "--key", server.keyFile.path, "--to", server.folder.path("out").path])
        #expect(exported.status == 2)
        #expect(exported.stderr.contains("no kept original"))
    }
}
