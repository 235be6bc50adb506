import EvidenceCore
import Foundation
import Testing

/// The log over HTTP, checked by the independent Python verifier.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct LogRoutesTests {
    static let verifier = Paths.repository.appendingPathComponent("Scripts/verify_log.py").path

    static func get(_ port: Int, _ path: String) async throws -> Subprocess.Result {
        try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
    }

    @Test("receipts carry log indexes and a checkpoint; proofs and checkpoints pass verify_log.py, altered ones fail")
    func proofsVerifyIndependently() async throws {
        let server = try TestServer()
        let work = server.folder.url
        let (first, second, key, proof, consistency, missing, bare) = try await server.run { port in
            let first = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)])
            let second = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.textPNG), Paths.corpusFile(EndToEndTests.gpsJPEG)])
            let sha = try #require(first.receipt?.files.first?.originalSHA256)
            let opening = try #require(first.receipt?.files.first?.opening)
            return (
                first, second,
                try await Self.get(port, "/log/key"),
                try await Self.get(port, "/log/proof?sha256=\(sha)&opening=\(opening)"),
                try await Self.get(port, "/log/consistency?from=1&to=3"),
                try await Self.get(port, "/log/proof?sha256=\(String(repeating: "0", count: 64))"),
                try await Self.get(port, "/log/proof?sha256=\(sha)")
            )
        }
        let firstReceipt = try #require(first.receipt)
        let secondReceipt = try #require(second.receipt)
        #expect(firstReceipt.files.map(\.logIndex) == [0])
        #expect(secondReceipt.files.map(\.logIndex) == [1, 2])
        let keyText = key.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        #expect(keyText.hasPrefix("evidence-drop/"))
        #expect(missing.stdoutText.hasSuffix("404"))
        // The hash of a received file without its opening gets the unknown hash's answer, word for word.
        #expect(bare.stdoutText == missing.stdoutText)

        // The checkpoint on the receipt verifies with the served key.
        let checkpointFile = work.appendingPathComponent("checkpoint.txt")
        try #require(secondReceipt.checkpoint).write(to: checkpointFile, atomically: true, encoding: .utf8)
        let checked = try await Subprocess.run("python3", [Self.verifier, "checkpoint", "--key", keyText, checkpointFile.path])
        #expect(checked.status == 0, "\(checked.stdoutText) \(checked.stderr)")

        let proofJSON = String(proof.stdoutText.dropLast(4))
        #expect(proof.stdoutText.hasSuffix("200"))
        let proofFile = work.appendingPathComponent("proof.json")
        try proofJSON.write(to: proofFile, atomically: true, encoding: .utf8)
        let included = try await Subprocess.run("python3", [Self.verifier, "inclusion", "--key", keyText, proofFile.path])
        #expect(included.status == 0, "\(included.stdoutText) \(included.stderr)")
        // The file itself, hashed by the verifier, with the receipt's opening; a wrong opening fails.
        let opening = try #require(firstReceipt.files.first?.opening)
        let withFile = try await Subprocess.run("python3", [
            Self.verifier, "inclusion", "--key", keyText, "--file", Paths.corpusFile(EndToEndTests.gpsJPEG).path, "--opening", opening, proofFile.path])
        #expect(withFile.status == 0, "\(withFile.stdoutText) \(withFile.stderr)")
        let wrongOpening = try await Subprocess.run("python3", [
            Self.verifier, "inclusion", "--key", keyText, "--file", Paths.corpusFile(EndToEndTests.gpsJPEG).path,
            "--opening", String(repeating: "1", count: 64), proofFile.path])
        #expect(wrongOpening.status == 1, "\(wrongOpening.stdoutText) \(wrongOpening.stderr)")

        let consistencyFile = work.appendingPathComponent("consistency.json")
        try String(consistency.stdoutText.dropLast(4)).write(to: consistencyFile, atomically: true, encoding: .utf8)
        let consistent = try await Subprocess.run("python3", [Self.verifier, "consistency", "--key", keyText, consistencyFile.path])
        #expect(consistent.status == 0, "\(consistent.stdoutText) \(consistent.stderr)")

        // Altered: a changed audit-path hash, and the entry claiming another original hash.
        var object = try JSONSerialization.jsonObject(with: Data(proofJSON.utf8)) as! [String: Any]
        var path = object["audit_path"] as! [String]
        #expect(!path.isEmpty)
        path[0] = String(path[0].reversed())
        object["audit_path"] = path
        try JSONSerialization.data(withJSONObject: object).write(to: proofFile)
        let altered = try await Subprocess.run("python3", [Self.verifier, "inclusion", "--key", keyText, proofFile.path])
        #expect(altered.status == 1, "\(altered.stdoutText) \(altered.stderr)")
    }

    @Test("entries naming reviewers and reasons are published as leaf hashes only, and still prove")
    func reviewerEntriesStayPrivate() async throws {
        let server = try TestServer()
        _ = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        #expect(try await server.review(["reject", "1", "--reason", "SECRET-REASON-42", "--as", "reviewer-secret-name"]).status == 0)
        let (proof, key) = try await server.run { port in
            (try await Self.get(port, "/log/proof?index=1"), try await Self.get(port, "/log/key"))
        }
        #expect(proof.stdoutText.hasSuffix("200"))
        #expect(!proof.stdoutText.contains("SECRET-REASON") && !proof.stdoutText.contains("reviewer-secret-name"))
        let file = server.folder.path("private-proof.json")
        try String(proof.stdoutText.dropLast(4)).write(to: file, atomically: true, encoding: .utf8)
        let keyText = key.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        let checked = try await Subprocess.run("python3", [Self.verifier, "inclusion", "--key", keyText, file.path])
        #expect(checked.status == 0, "\(checked.stdoutText) \(checked.stderr)")
    }

    @Test("evidence-review verify passes on a fresh store and exits 1 naming a damaged blob")
    func verifyCommand() async throws {
        let server = try TestServer()
        let answer = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        #expect(answer.status == 201)
        let clean = try await server.review(["verify", "--key", server.keyFile.path])
        #expect(clean.status == 0, "\(clean.stdoutText) \(clean.stderr)")
        #expect(clean.stdoutText.contains("1 files") && clean.stdoutText.contains("1 decrypted"))

        // stdout is the signed note alone, as redirected to a file; the key goes to stderr.
        let checkpoint = try await server.review(["log", "checkpoint"])
        #expect(checkpoint.status == 0)
        #expect(checkpoint.stderr.hasPrefix("verifier key: evidence-drop/") && !checkpoint.stdoutText.contains("verifier key"))
        let key = checkpoint.stderr.dropFirst("verifier key: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        let note = try server.folder.write("checkpoint.txt", checkpoint.stdout)
        let checked = try await Subprocess.run("python3", [Self.verifier, "checkpoint", "--key", key, note.path])
        #expect(checked.status == 0, "\(checked.stdoutText) \(checked.stderr)")

        let sha = try #require(answer.receipt?.files.first?.originalSHA256)
        // The store holds no original hash to look up: the reviewer's key opens the sealed facts to compare.
        #expect(try await server.review(["lookup", sha]).status == 1)
        let lookup = try await server.review(["lookup", sha, "--key", server.keyFile.path])
        #expect(lookup.status == 0, "\(lookup.stderr)")
        #expect(lookup.stdoutText.contains("file 1 (original SHA-256)"))
        #expect(try await server.review(["lookup", String(repeating: "1", count: 64)]).status == 1)

        let file = try await server.review(["show", "1", "--json"])
        let details = try JSONSerialization.jsonObject(with: file.stdout) as! [String: Any]
        let sealed = (details["file"] as! [String: Any])["sealed_sha256"] as! String
        let blob = server.data.blobs.appendingPathComponent("\(sealed.prefix(2))/\(sealed)")
        var bytes = try [UInt8](Data(contentsOf: blob))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: blob)
        let damaged = try await server.review(["verify"])
        #expect(damaged.status == 1)
        #expect(damaged.stdoutText.contains("MISMATCH file 1: its sealed blob's SHA-256"), "\(damaged.stdoutText)")
    }

    @Test("export writes custody and an inclusion proof beside the file")
    func exportCustody() async throws {
        let server = try TestServer()
        _ = try await server.run { port in try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        let out = server.folder.path("out")
        #expect(try await server.review(["export", "1", "--key", server.keyFile.path, "--to", out.path]).status == 0)
        let custody = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("1.custody.json"))) as? [String: Any])
        let entries = try #require(custody["entries"] as? [[String: String]])
        #expect(entries.map { $0["entry"]!.split(separator: "\n")[1] } == ["kind received", "kind exported"])
        let exported = try await Subprocess.run("sha256sum", [out.appendingPathComponent("1.jpg").path]).stdoutText.prefix(64)
        #expect(custody["cleaned_sha256"] as? String == String(exported))
        #expect((custody["opening"] as? String)?.count == 64)
        let key = try await server.review(["log", "checkpoint"]).stderr.components(separatedBy: "verifier key: ").last!
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try await Subprocess.run("python3", [Self.verifier, "inclusion", "--key", key, out.appendingPathComponent("1.proof.json").path])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        // A court with the export folder alone: the file against its commitment, the proof, the custody entries.
        let court = try await Subprocess.run("python3", [Self.verifier, "export", "--key", key, out.path])
        #expect(court.status == 0, "\(court.stdoutText) \(court.stderr)")
        // A byte changed in the exported file, and the court's check fails.
        let file = out.appendingPathComponent("1.jpg")
        var bytes = try [UInt8](Data(contentsOf: file))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: file)
        let altered = try await Subprocess.run("python3", [Self.verifier, "export", "--key", key, out.path])
        #expect(altered.status == 1, "\(altered.stdoutText) \(altered.stderr)")
    }
}
