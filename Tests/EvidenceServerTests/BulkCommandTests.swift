import EvidenceCore
import Foundation
import Testing

/// Work on many files at once with `evidence-review`: decisions, export by status, retention purge, legal hold and
/// statistics, on stores built by real uploads and read back through the CLI, the files on disk and sha256sum.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct BulkCommandTests {
    static let longAgo = "2020-01-01T00:00Z"

    /// Uploads each group of corpus files as one submission; returns the receipts' files in id order.
    static func upload(_ server: TestServer, _ submissions: [[String]]) async throws -> [ReceiptFile] {
        try await server.run { port in
            var files: [ReceiptFile] = []
            for names in submissions {
                let answer = try await Upload.send(port: port, files: names.map(Paths.corpusFile))
                files += try #require(answer.receipt, "\(answer.text)").files
            }
            return files
        }
    }

    /// Makes files look received long ago, as a store kept for months would have them: the CLI cannot backdate
    /// anything, and "older than" must be tested with files that really are older.
    static func backdate(_ server: TestServer, fileIDs: [Int]) async throws {
        let ids = fileIDs.map(String.init).joined(separator: ",")
        let result = try await Subprocess.run("sqlite3", [
            server.data.database.path,
            "UPDATE file SET received_hour = '\(longAgo)' WHERE id IN (\(ids));"
                + "UPDATE submission SET received_hour = '\(longAgo)' WHERE id IN (SELECT submission_id FROM file WHERE id IN (\(ids)));",
        ])
        try #require(result.status == 0, "\(result.stderr)")
    }

    static func json(_ result: Subprocess.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: result.stdout)
    }

    /// Ids of `list --status STATUS --json`.
    static func ids(_ server: TestServer, status: String) async throws -> [Int] {
        let listed = try await server.review(["list", "--status", status, "--json"])
        return (try json(listed) as! [[String: Any]]).map { $0["id"] as! Int }
    }

    /// The file's `show --json` object: "file" and "custody".
    static func shown(_ server: TestServer, _ id: Int) async throws -> [String: Any] {
        let shown = try await server.review(["show", "\(id)", "--json", "--key", server.keyFile.path])
        try #require(shown.status == 0, "\(shown.stderr)")
        return try json(shown) as! [String: Any]
    }

    /// The whole database as SQL text, to show that nothing in it changed.
    static func dump(_ server: TestServer) async throws -> String {
        let result = try await Subprocess.run("sqlite3", [server.data.database.path, ".dump"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdoutText
    }

    static func blob(_ server: TestServer, sealedSHA256: String) -> URL {
        server.data.blobs.appendingPathComponent("\(sealedSHA256.prefix(2))/\(sealedSHA256)")
    }

    static func sealedSHA256(_ server: TestServer, _ id: Int) async throws -> String {
        (try await shown(server, id)["file"] as! [String: Any])["sealed_sha256"] as! String
    }

    /// The ids in the first column of `purge --dry-run`'s table (rows: ID, SUB, STATUS, …).
    static func tableIDs(_ text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: " ")
            guard cells.count == 6, ["pending", "approved", "rejected"].contains(cells[2]) else { return nil }
            return Int(cells[0])
        }
    }

    /// Runs `evidence-review` on a pseudo-terminal (util-linux `script`), as a reviewer at a terminal would, with
    /// `input` typed ahead; returns what the terminal showed (standard output and error, `\r\n` line ends).
    static func onTerminal(_ server: TestServer, _ arguments: [String], typing input: String = "") async throws -> Subprocess.Result {
        let words = [Paths.binaries.appendingPathComponent("evidence-review").path] + arguments + ["--data", server.data.root.path]
        let command = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await Subprocess.run(
            "sh", ["-c", "printf %s \"$1\" | script -qec \"$0\" /dev/null", command, input],
            environment: ["EVIDENCE_KEY_PASSPHRASE": TestServer.passphrase, "EVIDENCE_REVIEW_CONFIG": server.folder.path("no-config.json").path])
    }

    @Test("approve of several ids is refused without a terminal unless --yes, and --yes decides each")
    func severalIDsNeedYes() async throws {
        let server = try TestServer()
        _ = try await Self.upload(server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG]])

        // The tests run without a terminal, as a script would.
        let refused = try await server.review(["approve", "1", "2", "3"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes") && refused.stderr.contains("Approve 3 files (1, 2, 3)?"), "\(refused.stderr)")
        let refusedReject = try await server.review(["reject", "2", "3", "--reason", "staged"])
        #expect(refusedReject.status == 2 && refusedReject.stderr.contains("--yes"), "\(refusedReject.stderr)")
        #expect(try await Self.ids(server, status: "pending") == [1, 2, 3], "nothing was decided")

        let approved = try await server.review(["approve", "1", "3", "--yes", "--as", "alice", "--note", "checked"])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(approved.stdoutText == "file 1 approved\nfile 3 approved\n")
        #expect(try await Self.ids(server, status: "approved") == [1, 3])
        let custody = try await Self.shown(server, 3)["custody"] as! [[String: Any]]
        #expect(custody.last?["action"] as? String == "approved" && custody.last?["actor"] as? String == "alice")
        #expect(custody.last?["detail"] as? String == "checked")

        // One id asks nothing, as before.
        #expect(try await server.review(["reject", "2", "--reason", "staged"]).status == 0)
        #expect(try await Self.ids(server, status: "rejected") == [2])
    }

    @Test("an id that cannot be decided is reported, the others are still decided, and the exit code is 2")
    func partialFailure() async throws {
        let server = try TestServer()
        _ = try await Self.upload(server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG]])
        #expect(try await server.review(["approve", "1"]).status == 0)

        let mixed = try await server.review(["approve", "1", "2", "99", "3", "2", "--yes"])
        #expect(mixed.status == 2)
        #expect(mixed.stdoutText == """
            file 1 not approved: file 1 is already approved
            file 2 approved
            file 99 not approved: no file with id 99; `evidence-review list --status all` shows the ids
            file 3 approved

            """, "each id once, in the order given")
        #expect(mixed.stderr.contains("2 of 4 files not approved (1, 99); the others were"), "\(mixed.stderr)")
        #expect(try await Self.ids(server, status: "approved") == [1, 2, 3])

        let rejected = try await server.review(["reject", "77", "2", "--reason", "staged", "--yes"])
        #expect(rejected.status == 2)
        #expect(rejected.stdoutText.contains("file 77 not rejected: no file with id 77") && rejected.stdoutText.contains("file 2 rejected"))
        #expect(try await Self.ids(server, status: "rejected") == [2])

        // One unknown id fails as it always did: its own message, exit 2.
        let unknown = try await server.review(["approve", "42"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no file with id 42") && unknown.stdoutText.isEmpty)
        let empty = try await server.review(["reject", "1", "3", "--reason", "  ", "--yes"])
        #expect(empty.status == 2 && empty.stderr.contains("needs a reason"))
        #expect(try await Self.ids(server, status: "approved") == [1, 3])
    }

    @Test("export --status approved: a folder per submission that sha256sum -c accepts, an index, purged files skipped")
    func bulkExport() async throws {
        let server = try TestServer()
        let uploaded = try await Self.upload(
            server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG], [EndToEndTests.cameraJPEG], [EndToEndTests.textPNG]])
        #expect(try await server.review(["approve", "1", "2", "3", "4", "--yes"]).status == 0)
        // File 4 is approved but its sealed copy was purged: only its hashes remain, so there is nothing to export.
        try await Self.backdate(server, fileIDs: [4])
        #expect(try await server.review(["purge", "--older-than", "30d", "--status", "approved", "--yes"]).status == 0)

        let out = server.folder.path("case")
        let exported = try await server.review(["export", "--status", "approved", "--key", server.keyFile.path, "--to", out.path])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdoutText.contains("exported 3 files of 2 submissions"), "\(exported.stdoutText)")
        #expect(exported.stdoutText.contains("skipped file 4 (submission 3): purged"), "\(exported.stdoutText)")
        #expect(!exported.stderr.contains("exporting") && !exported.stderr.contains("\r"), "no progress bar without a terminal")

        let folders = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(folders == ["index.json", "submission-1", "submission-2"])
        let expected: [String: [String]] = ["submission-1": ["1.jpg"], "submission-2": ["2.png", "3.jpg"]]
        for (folder, names) in expected {
            let directory = out.appendingPathComponent(folder)
            let check = try await Subprocess.run("sha256sum", ["-c", "manifest.sha256"], in: directory)
            #expect(check.status == 0, "\(folder): \(check.stdoutText) \(check.stderr)")
            #expect(check.stdoutText == names.map { "\($0): OK\n" }.joined(), "\(folder)")
            let contents = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
            for name in names {
                let id = name.split(separator: ".")[0]
                #expect(contents.isSuperset(of: ["\(id).custody.json", "\(id).proof.json"]), "\(folder): \(contents)")
            }
        }

        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("index.json"))) as! [String: Any]
        let submissions = index["submissions"] as! [[String: Any]]
        #expect(submissions.map { $0["id"] as? Int } == [1, 2])
        #expect(submissions.map { $0["folder"] as? String } == ["submission-1", "submission-2"])
        let files = submissions.flatMap { $0["files"] as! [[String: Any]] }
        #expect(files.map { $0["id"] as? Int } == [1, 2, 3])
        #expect(files.map { $0["name"] as? String } == ["1.jpg", "2.png", "3.jpg"])
        #expect(files.allSatisfy { $0["status"] as? String == "approved" })
        #expect(files.map { $0["cleaned_sha256"] as? String } == uploaded.prefix(3).map(\.cleanedSHA256))
        #expect(files.map { $0["original_sha256"] as? String } == uploaded.prefix(3).map(\.originalSHA256))
        #expect(files.map { $0["type"] as? String } == ["image/jpeg", "image/png", "image/jpeg"])
        let skipped = index["skipped"] as! [[String: Any]]
        #expect(skipped.map { $0["id"] as? Int } == [4] && (skipped.first?["reason"] as? String)?.hasPrefix("purged") == true)
        #expect((index["failed"] as! [Any]).isEmpty)

        // Each export is in the file's custody trail; the pending file 5 was not exported.
        let custody = try await Self.shown(server, 2)["custody"] as! [[String: Any]]
        #expect(custody.last?["action"] as? String == "exported")
        #expect(!(try await Self.shown(server, 5)["custody"] as! [[String: Any]]).contains { $0["action"] as? String == "exported" })

        // A damaged copy fails alone: the others are still exported, the index says which failed, the exit code is 2.
        let damaged = Self.blob(server, sealedSHA256: try await Self.sealedSHA256(server, 5))
        var bytes = try [UInt8](Data(contentsOf: damaged))
        bytes[bytes.count - 1] ^= 1
        try Data(bytes).write(to: damaged)
        let all = server.folder.path("all")
        let partial = try await server.review(["export", "--status", "all", "--key", server.keyFile.path, "--to", all.path])
        #expect(partial.status == 2 && partial.stderr.contains("1 file could not be exported (5)"), "\(partial.stderr)")
        #expect(partial.stdoutText.contains("file 5 (submission 4) not exported: "), "\(partial.stdoutText)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: all.path).sorted() == ["index.json", "submission-1", "submission-2"])
        let partialIndex = try JSONSerialization.jsonObject(with: Data(contentsOf: all.appendingPathComponent("index.json"))) as! [String: Any]
        #expect((partialIndex["failed"] as! [[String: Any]]).map { $0["id"] as? Int } == [5])
        #expect((partialIndex["skipped"] as! [[String: Any]]).map { $0["id"] as? Int } == [4])
        #expect((partialIndex["submissions"] as! [[String: Any]]).map { $0["id"] as? Int } == [1, 2])

        // An id and --status together, or neither, is a usage error.
        #expect(try await server.review(["export", "1", "--status", "approved", "--key", server.keyFile.path, "--to", out.path]).status == 2)
        #expect(try await server.review(["export", "--key", server.keyFile.path, "--to", out.path]).status == 2)
        let none = try await server.review(["export", "--status", "rejected", "--key", server.keyFile.path, "--to", server.folder.path("none").path])
        #expect(none.status == 0 && none.stdoutText == "no rejected files to export\n")
        #expect(!FileManager.default.fileExists(atPath: server.folder.path("none").path))
    }

    @Test("purge: a dry run lists the old rejected files and changes nothing; --yes deletes their blobs and keeps the rest")
    func purge() async throws {
        let server = try TestServer()
        let uploaded = try await Self.upload(
            server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG], [EndToEndTests.cameraJPEG], [EndToEndTests.textPNG]])
        #expect(try await server.review(["reject", "1", "2", "3", "4", "--reason", "not relevant", "--yes"]).status == 0)
        // Files 1, 2, 3 and the pending file 5 are old; file 4 was received this hour.
        try await Self.backdate(server, fileIDs: [1, 2, 3, 5])
        let held = try await server.review(["hold", "2", "--reason", "court order 12/2026", "--as", "carol"])
        #expect(held.status == 0 && held.stdoutText == "submission 2 (files 2, 3) is now on legal hold: purge will not touch it\n", "\(held.stdoutText)")
        #expect(try await server.review(["hold", "3"]).stdoutText == "submission 2 (files 2, 3) was already on legal hold\n")
        var sealed: [Int: String] = [:]
        for id in 1...5 { sealed[id] = try await Self.sealedSHA256(server, id) }
        let before = try await Self.dump(server)

        let dry = try await server.review(["purge", "--older-than", "90d", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(Self.tableIDs(dry.stdoutText) == [1], "\(dry.stdoutText)")
        #expect(dry.stdoutText.contains("would purge 1 file,"), "\(dry.stdoutText)")
        #expect(dry.stdoutText.contains("2 files kept: legal hold (submission 2)"), "\(dry.stdoutText)")
        // Received this hour is not "older than 0h": the cutoff is the start of the current hour. (Checked only when
        // the hour did not turn during the run, when file 4 may have become last hour's.)
        let hour = HourStamp.now()
        let received4 = (try await Self.shown(server, 4)["file"] as! [String: Any])["received_hour"] as! String
        let zero = try await server.review(["purge", "--older-than", "0h", "--dry-run"])
        if HourStamp.now() == hour && received4 == hour {
            #expect(Self.tableIDs(zero.stdoutText) == [1], "\(zero.stdoutText)")
        }
        // "all" is approved and rejected; the pending file 5 goes only when pending is named.
        #expect(Self.tableIDs(try await server.review(["purge", "--older-than", "1h", "--status", "all", "--dry-run"]).stdoutText) == [1])
        #expect(Self.tableIDs(try await server.review(["purge", "--older-than", "1h", "--status", "pending", "--dry-run"]).stdoutText) == [5])
        #expect(try await server.review(["purge", "--older-than", "90d", "--status", "approved", "--dry-run"]).stdoutText
            .hasPrefix("nothing to purge: no approved files received before"))
        #expect(try await server.review(["purge", "--older-than", "90 days", "--dry-run"]).status == 2)

        // Without a terminal and without --yes nothing is deleted.
        let refused = try await server.review(["purge", "--older-than", "90d"])
        #expect(refused.status == 2 && refused.stderr.contains("--yes"), "\(refused.stderr)")
        #expect(try await Self.dump(server) == before, "dry runs and a refusal change nothing")
        for id in 1...5 { #expect(FileManager.default.fileExists(atPath: Self.blob(server, sealedSHA256: sealed[id]!).path)) }

        let purged = try await server.review(["purge", "--older-than", "90d", "--yes", "--as", "dora"])
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect(purged.stdoutText.contains("purged file 1 (submission 1)") && purged.stdoutText.contains("purged 1 file,"), "\(purged.stdoutText)")
        #expect(purged.stdoutText.contains("2 files kept: legal hold (submission 2)"))
        #expect(!FileManager.default.fileExists(atPath: Self.blob(server, sealedSHA256: sealed[1]!).path))
        for id in 2...5 { #expect(FileManager.default.fileExists(atPath: Self.blob(server, sealedSHA256: sealed[id]!).path), "file \(id)") }

        // The record and hashes stay, the custody says who purged and why, the log says so, and verify holds.
        let shown = try await Self.shown(server, 1)
        let file = shown["file"] as! [String: Any]
        #expect(file["original_sha256"] as? String == uploaded[0].originalSHA256)
        #expect(file["cleaned_sha256"] as? String == uploaded[0].cleanedSHA256)
        #expect(file["sealed_sha256"] as? String == sealed[1])
        let custody = (shown["custody"] as! [[String: Any]]).last!
        #expect(custody["action"] as? String == "purged" && custody["actor"] as? String == "dora")
        #expect((custody["detail"] as? String)?.hasPrefix("retention: rejected files received before") == true, "\(custody)")
        let verified = try await server.review(["verify", "--key", server.keyFile.path])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        #expect(verified.stdoutText.contains("5 files") && verified.stdoutText.contains("4 decrypted"), "\(verified.stdoutText)")
        let held2 = try await Self.shown(server, 2)["custody"] as! [[String: Any]]
        #expect(held2.last?["action"] as? String == "legal-hold" && held2.last?["detail"] as? String == "court order 12/2026")

        let again = try await server.review(["purge", "--older-than", "90d", "--yes"])
        #expect(again.stdoutText.hasPrefix("nothing to purge") && again.stdoutText.contains("2 files kept: legal hold"), "\(again.stdoutText)")

        // Lifted, the hold no longer protects them.
        let lifted = try await server.review(["hold", "--lift", "2", "--reason", "case closed"])
        #expect(lifted.stdoutText == "legal hold lifted from submission 2 (files 2, 3)\n", "\(lifted.stdoutText)")
        #expect(try await server.review(["hold", "--lift", "2"]).stdoutText == "submission 2 (files 2, 3) is not on legal hold\n")
        let after = try await server.review(["purge", "--older-than", "90d", "--dry-run"])
        #expect(Self.tableIDs(after.stdoutText) == [2, 3] && !after.stdoutText.contains("legal hold"), "\(after.stdoutText)")
    }

    @Test("stats --json counts what was uploaded, decided, held and purged, and the bytes on disk")
    func stats() async throws {
        let server = try TestServer()
        _ = try await Self.upload(
            server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG], [EndToEndTests.textPNG]])
        #expect(try await server.review(["approve", "1"]).status == 0)
        #expect(try await server.review(["reject", "2", "4", "--reason", "staged", "--yes"]).status == 0)
        #expect(try await server.review(["hold", "3"]).status == 0)
        try await Self.backdate(server, fileIDs: [4])
        #expect(try await server.review(["purge", "--older-than", "1d", "--yes"]).status == 0)
        let today = try #require((try Self.json(try await server.review(["list", "--json"])) as! [[String: Any]]).first?["received_hour"] as? String).prefix(10)

        let result = try await server.review(["stats", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let stats = try Self.json(result) as! [String: Any]
        #expect(stats["files"] as? Int == 4 && stats["submissions"] as? Int == 3)
        #expect(stats["by_status"] as? [String: Int] == ["pending": 1, "approved": 1, "rejected": 2])
        #expect(stats["by_type"] as? [String: Int] == ["image/jpeg": 2, "image/png": 2])
        #expect(stats["purged"] as? Int == 1 && stats["on_legal_hold"] as? Int == 1)
        #expect(stats["submissions_per_day"] as? [String: Int] == [String(today): 2, String(Self.longAgo.prefix(10)): 1])
        // Bytes stored are the sealed copies still on disk: the blobs folder, without the purged one.
        let blobs = server.data.blobs.path
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: blobs).filter { !$0.hasPrefix("tmp") }.reduce(0) { sum, path in
            let attributes = try FileManager.default.attributesOfItem(atPath: blobs + "/" + path)
            return sum + (attributes[.type] as? FileAttributeType == .typeRegular ? (attributes[.size] as! Int) : 0)
        }
        #expect(stats["bytes_stored"] as? Int == onDisk && onDisk > 0)

        let text = try await server.review(["stats"])
        #expect(text.status == 0)
        #expect(text.stdoutText.contains("files       4 in 3 submissions"), "\(text.stdoutText)")
        #expect(text.stdoutText.contains("(\(onDisk) bytes)"))
        #expect(text.stdoutText.contains("\(today)  2"), "\(text.stdoutText)")
        #expect(text.stdoutText.contains("1 earlier, all in --json"), "\(text.stdoutText)")
    }

    @Test("on a terminal: the question is asked and answered, and progress bars are drawn on it, then cleared")
    func onATerminal() async throws {
        let server = try TestServer()
        _ = try await Self.upload(server, [[EndToEndTests.gpsJPEG], [EndToEndTests.textPNG, EndToEndTests.cameraJPEG]])

        let declined = try await Self.onTerminal(server, ["approve", "1", "2"], typing: "n\n")
        #expect(declined.stdoutText.contains("Approve 2 files (1, 2)? [y/N]"), "\(declined.stdoutText)")
        #expect(declined.stdoutText.contains("not confirmed: nothing was changed"))
        #expect(try await Self.ids(server, status: "pending") == [1, 2, 3])
        let confirmed = try await Self.onTerminal(server, ["reject", "1", "2", "--reason", "staged"], typing: "y\n")
        #expect(confirmed.stdoutText.contains("Reject 2 files (1, 2)? [y/N]") && confirmed.stdoutText.contains("file 2 rejected"), "\(confirmed.stdoutText)")
        #expect(try await Self.ids(server, status: "rejected") == [1, 2])

        // Each bar is redrawn in place with \r, shows speed and time left, and is cleared before the result.
        let clear = "\r\u{1B}[K"
        let verified = try await Self.onTerminal(server, ["verify"]).stdoutText
        #expect(verified.contains("\rverifying [") && verified.contains("3/3 files") && verified.contains("files/s"), "\(verified)")
        #expect(verified.contains(clear + "verified: 3 files"), "\(verified)")
        let exported = try await Self.onTerminal(
            server, ["export", "--status", "rejected", "--key", server.keyFile.path, "--to", server.folder.path("out").path]).stdoutText
        #expect(exported.contains("\rexporting [") && exported.contains("B/s") && exported.contains(" left"), "\(exported)")
        #expect(exported.contains(clear + "exported 2 files of 2 submissions"), "\(exported)")
        let single = try await Self.onTerminal(
            server, ["export", "3", "--key", server.keyFile.path, "--to", server.folder.path("one").path]).stdoutText
        #expect(single.contains("\rexporting [####################]") && single.contains("B/s"), "\(single)")
        #expect(single.contains(clear + "wrote "), "\(single)")
        let dana = try KeysTests.Reviewer(server, name: "dana.key")
        #expect(try await server.review(["keys", "add", dana.publicFile.path]).status == 0)
        let granted = try await Self.onTerminal(
            server, ["keys", "grant", "--all", "--to", dana.publicFile.path, "--key", server.keyFile.path]).stdoutText
        #expect(granted.contains("\rgranting [") && granted.contains("3/3 files") && granted.contains("files/s"), "\(granted)")
        #expect(granted.contains(clear + "granted 3 file(s)"), "\(granted)")
        try await Self.backdate(server, fileIDs: [1, 2])
        let purged = try await Self.onTerminal(server, ["purge", "--older-than", "1d"], typing: "y\n").stdoutText
        #expect(purged.contains("Purge 2 files (1, 2), deleting"), "\(purged)")
        #expect(purged.contains("\rpurging [") && purged.contains(clear + "purged file 1"), "\(purged)")
        let custody = try await Self.shown(server, 2)["custody"] as! [[String: Any]]
        #expect(custody.last?["action"] as? String == "purged")
    }
}
