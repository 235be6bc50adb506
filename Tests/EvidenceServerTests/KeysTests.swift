import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Several reviewers: `evidence-review keys add|list|revoke|grant` against a store built by uploads to a live server.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct KeysTests {
    /// A second reviewer's key pair, written where a reviewer would keep it: FILE and FILE.pub.
    struct Reviewer {
        let identity = X25519PrivateKey.generate()
        let keyFile: URL
        var publicFile: URL { URL(fileURLWithPath: keyFile.path + ".pub") }
        var fingerprint: String { identity.publicKey.fingerprint }

        init(_ server: TestServer, name: String) throws {
            keyFile = server.folder.path(name)
            try identity.encryptedPEM(passphrase: TestServer.passphrase).write(to: keyFile, atomically: true, encoding: .utf8)
            try identity.publicKey.pem.write(to: publicFile, atomically: true, encoding: .utf8)
        }
    }

    static func upload(_ port: Int, _ corpusFile: String, keepOriginal: Bool = false, message: String? = nil) async throws {
        var arguments = ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", "files=@\(Paths.corpusFile(corpusFile).path)"]
        if keepOriginal { arguments += ["-F", "keep_original=1"] }
        if let message { arguments += ["-F", "message=\(message)"] }
        let answer = try await Subprocess.run("curl", arguments + ["http://127.0.0.1:\(port)/submissions"])
        #expect(answer.stdoutText == "201", "\(answer.stderr)")
    }

    static func record(_ server: TestServer, file id: Int64) throws -> FileRecord {
        try EvidenceStore(url: server.data.database).file(id: id)
    }

    static func blob(_ server: TestServer, _ key: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: server.data.blobs.appendingPathComponent(key)))
    }

    static func sha256(_ url: URL) throws -> String {
        Hex.encode(SHA256Hasher.hash([UInt8](try Data(contentsOf: url))))
    }

    @Test("keys grant: the new key opens an old file (export and the Python reader), the payload is untouched, verify holds")
    func grantToNewKey() async throws {
        let server = try TestServer()
        let dana = try Reviewer(server, name: "dana.key")
        try await server.run { port in
            try await Self.upload(port, EndToEndTests.gpsJPEG, keepOriginal: true, message: "from the bridge")
        }
        let before = try Self.record(server, file: 1)
        let facts = try #require(try before.opened(with: server.identity).facts)
        let sealedBefore = try Self.blob(server, before.blobKey)

        let added = try await server.review(["keys", "add", dana.publicFile.path, "--name", "Dana", "--as", "alice"])
        #expect(added.status == 0, "\(added.stderr)")
        // Dana cannot open the old file yet.
        let early = try await server.review(["export", "1", "--key", dana.keyFile.path, "--to", server.folder.path("early").path])
        #expect(early.status == 2 && early.stderr.contains("not sealed to your key"), "\(early.stderr)")

        let granted = try await server.review(["keys", "grant", "1", "--to", dana.publicFile.path, "--key", server.keyFile.path, "--as", "alice"])
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(granted.stdoutText.contains("file 1 granted to Dana (\(dana.fingerprint))"))

        let after = try Self.record(server, file: 1)
        let sealedAfter = try Self.blob(server, after.blobKey)
        #expect(!FileManager.default.fileExists(atPath: server.data.blobs.appendingPathComponent(before.blobKey).path))
        #expect(try SealedFileReader.recipientFingerprints(ofHeader: sealedAfter) == [server.identity.publicKey.fingerprint, dana.fingerprint])
        // Header lengths for one and two X25519 recipients (docs/FORMAT.md): everything after them is the same bytes.
        #expect(sealedAfter.count == sealedBefore.count + 99)
        #expect(sealedAfter[265...] == sealedBefore[166...])

        let out = server.folder.path("out")
        let exported = try await server.review(["export", "1", "--key", dana.keyFile.path, "--to", out.path, "--as", "dana"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try Self.sha256(out.appendingPathComponent("1.jpg")) == facts.cleanedSHA256)
        let original = try await server.review(["export", "1", "--original", "--key", dana.keyFile.path, "--to", out.path])
        #expect(original.status == 0, "\(original.stderr)")
        #expect(try Self.sha256(out.appendingPathComponent("1.original.jpg")) == Self.sha256(Paths.corpusFile(EndToEndTests.gpsJPEG)))
        let shown = try await server.review(["show", "1", "--json", "--key", dana.keyFile.path])
        #expect(shown.status == 0 && shown.stdoutText.contains("from the bridge"), "\(shown.stderr)")
        #expect(shown.stdoutText.contains("\"granted\"") && shown.stdoutText.contains(dana.fingerprint))

        // The independent reader of docs/FORMAT.md opens the granted blob with Dana's key.
        let decrypted = server.folder.path("python.jpg")
        let python = try await Subprocess.run(
            "python3",
            [Paths.repository.appendingPathComponent("Scripts/decrypt_sealed.py").path, "--key", dana.keyFile.path,
             "--out", decrypted.path, server.data.blobs.appendingPathComponent(after.blobKey).path],
            environment: ["EVIDENCE_KEY_PASSPHRASE": TestServer.passphrase])
        #expect(python.status == 0, "\(python.stderr)")
        #expect(try Self.sha256(decrypted) == facts.cleanedSHA256)

        for key in [server.keyFile, dana.keyFile] {
            let verified = try await server.review(["verify", "--key", key.path])
            #expect(verified.status == 0, "\(verified.stdoutText)\(verified.stderr)")
        }
        let again = try await server.review(["keys", "grant", "1", "--to", dana.fingerprint, "--key", server.keyFile.path])
        #expect(again.status == 2 && again.stderr.contains("already sealed to \(dana.fingerprint)"), "\(again.stderr)")
    }

    @Test("keys revoke: the running server stops sealing to the key; the remaining key opens new files, the revoked one cannot")
    func revokedKeyIsNotUsed() async throws {
        let server = try TestServer()
        let dana = try Reviewer(server, name: "dana.key")
        let first = server.identity.publicKey.fingerprint
        try await server.run { port in
            try await Self.upload(port, EndToEndTests.gpsJPEG)
            // Changed while the server runs: no restart between the two uploads.
            let added = try await server.review(["keys", "add", dana.publicFile.path, "--as", "alice"])
            #expect(added.status == 0, "\(added.stderr)")
            let revoked = try await server.review(["keys", "revoke", first, "--yes", "--as", "alice"])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            try await Self.upload(port, EndToEndTests.textPNG)
        }
        let header = try Self.blob(server, try Self.record(server, file: 2).blobKey)
        #expect(try SealedFileReader.recipientFingerprints(ofHeader: header) == [dana.fingerprint])
        let refused = try await server.review(["export", "2", "--key", server.keyFile.path, "--to", server.folder.path("a").path])
        #expect(refused.status == 2 && refused.stderr.contains("not sealed to your key"), "\(refused.stderr)")
        let opened = try await server.review(["export", "2", "--key", dana.keyFile.path, "--to", server.folder.path("b").path])
        #expect(opened.status == 0, "\(opened.stderr)")
        // Revoking cannot take back what was shared: the file sealed to the key before still opens with it.
        let old = try await server.review(["export", "1", "--key", server.keyFile.path, "--to", server.folder.path("c").path])
        #expect(old.status == 0, "\(old.stderr)")
        #expect(try server.data.loadRecipients() == [dana.identity.publicKey])
    }

    @Test("keys list --json: every key with its name, status, and who added and revoked it when")
    func listAsJSON() async throws {
        let server = try TestServer()
        let dana = try Reviewer(server, name: "dana.key")
        let first = server.identity.publicKey.fingerprint
        try await server.run { _ in }  // the store is created when the server first starts
        #expect(try await server.review(["keys", "add", dana.publicFile.path, "--as", "alice"]).status == 0)
        #expect(try await server.review(["keys", "revoke", first, "--yes", "--as", "bob"]).status == 0)
        let listed = try await server.review(["keys", "list", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let keys = try #require(try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]])
        #expect(keys.count == 2)
        #expect(keys[0]["fingerprint"] as? String == dana.fingerprint)
        #expect(keys[0]["name"] as? String == "dana")
        #expect(keys[0]["status"] as? String == "active")
        #expect(keys[0]["added_by"] as? String == "alice")
        #expect((keys[0]["added_hour"] as? String).map { $0.hasSuffix(":00Z") && $0.count == 17 } == true)
        #expect(keys[0]["revoked_hour"] == nil)
        #expect(keys[1]["fingerprint"] as? String == first)
        #expect(keys[1]["status"] as? String == "revoked")
        #expect(keys[1]["revoked_by"] as? String == "bob")
        #expect(keys[1]["added_hour"] == nil, "the key was copied into recipients/ by hand: its origin is unknown")
        let table = try await server.review(["keys", "list"])
        #expect(table.stdoutText.hasPrefix("FINGERPRINT") && table.stdoutText.contains("revoked"), "\(table.stdoutText)")
    }

    /// The actors of a file's custody trail, as `show --json` prints them.
    static func actors(_ server: TestServer, file id: Int, environment: [String: String] = [:]) async throws -> [String] {
        let shown = try await server.review(["show", String(id), "--json"], environment: environment)
        try #require(shown.status == 0, "\(shown.stderr)")
        let custody = try #require((try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any])?["custody"] as? [[String: Any]])
        return custody.compactMap { $0["actor"] as? String }
    }

    @Test("actions record the key's fingerprint: by the name `keys add` recorded, or from the config file")
    func actorFingerprints() async throws {
        let server = try TestServer()
        let alice = try Reviewer(server, name: "alice.key")
        try await server.run { port in
            for _ in 0..<4 { try await Self.upload(port, EndToEndTests.gpsJPEG) }
        }
        #expect(try await server.review(["keys", "add", alice.publicFile.path, "--name", "alice", "--as", "root"]).status == 0)
        let approved = try await server.review(["approve", "1", "--as", "alice"])
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(try await Self.actors(server, file: 1).last == "alice [\(alice.fingerprint)]")
        #expect(try await server.review(["tag", "1", "bridge", "--as", "alice"]).status == 0)
        #expect(try await Self.actors(server, file: 1).last == "alice [\(alice.fingerprint)]")

        // A name without a recorded key stays plain.
        #expect(try await server.review(["approve", "2", "--as", "bob"]).status == 0)
        #expect(try await Self.actors(server, file: 2).last == "bob")

        // The config file names the reviewer and the key; only KEY.pub is read, so no passphrase is asked for.
        let config = try server.folder.write(
            "config.json", JSONEncoder().encode(["name": "carol", "key": server.keyFile.path]))
        try server.identity.publicKey.pem.write(toFile: server.keyFile.path + ".pub", atomically: true, encoding: .utf8)
        let environment = ["EVIDENCE_REVIEW_CONFIG": config.path]
        let rejected = try await server.review(["reject", "3", "--reason", "staged"], passphrase: "", environment: environment)
        #expect(rejected.status == 0, "\(rejected.stderr)")
        #expect(try await Self.actors(server, file: 3).last == "carol [\(server.identity.publicKey.fingerprint)]")
        // A name in the config file finds its recorded key like --as does.
        let named = try server.folder.write("named.json", JSONEncoder().encode(["name": "alice"]))
        #expect(try await server.review(["approve", "4"], environment: ["EVIDENCE_REVIEW_CONFIG": named.path]).status == 0)
        #expect(try await Self.actors(server, file: 4).last == "alice [\(alice.fingerprint)]")
    }

    @Test("keys errors: a key that does not open the file, an unknown fingerprint, the last active key")
    func errors() async throws {
        let server = try TestServer()
        let dana = try Reviewer(server, name: "dana.key")
        let stranger = try Reviewer(server, name: "stranger.key")
        let first = server.identity.publicKey.fingerprint
        try await server.run { port in try await Self.upload(port, EndToEndTests.gpsJPEG) }
        let before = try Self.record(server, file: 1)

        let last = try await server.review(["keys", "revoke", first, "--yes"])
        #expect(last.status == 2 && last.stderr.contains("last active reviewer key"), "\(last.stderr)")
        #expect(try server.data.loadRecipients() == [server.identity.publicKey])
        let unknown = try await server.review(["keys", "revoke", stranger.fingerprint, "--yes"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no reviewer key has the fingerprint \(stranger.fingerprint)"), "\(unknown.stderr)")
        let notAdded = try await server.review(["keys", "grant", "1", "--to", stranger.publicFile.path, "--key", server.keyFile.path])
        #expect(notAdded.status == 2 && notAdded.stderr.contains("keys list"), "\(notAdded.stderr)")

        #expect(try await server.review(["keys", "add", dana.publicFile.path]).status == 0)
        let notMine = try await server.review(["keys", "grant", "1", "--to", dana.fingerprint, "--key", stranger.keyFile.path])
        #expect(notMine.status == 2 && notMine.stderr.contains("file 1 is not sealed to your key (\(stranger.fingerprint))"), "\(notMine.stderr)")
        #expect(try Self.record(server, file: 1).blobKey == before.blobKey)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: server.data.blobs.path).filter { $0.count > 60 } == [before.blobKey])

        let both = try await server.review(["keys", "grant", "1", "--all", "--to", dana.fingerprint, "--key", server.keyFile.path])
        #expect(both.status == 2 && both.stderr.contains("either a file id or --all"), "\(both.stderr)")
        let privateKey = try await server.review(["keys", "add", server.keyFile.path])
        #expect(privateKey.status == 2 && privateKey.stderr.contains("FILE.pub"), "\(privateKey.stderr)")
        let twice = try await server.review(["keys", "add", dana.publicFile.path])
        #expect(twice.status == 2 && twice.stderr.contains("already an active reviewer key"), "\(twice.stderr)")
    }

    @Test("keys grant --all grants what the key opens, skips what already has the key, names what it cannot open")
    func grantAll() async throws {
        let server = try TestServer()
        let dana = try Reviewer(server, name: "dana.key")
        let erin = try Reviewer(server, name: "erin.key")
        let first = server.identity.publicKey.fingerprint
        try await server.run { port in
            try await Self.upload(port, EndToEndTests.gpsJPEG)  // 1: first
            #expect(try await server.review(["keys", "add", dana.publicFile.path]).status == 0)
            try await Self.upload(port, EndToEndTests.textPNG)  // 2: first and Dana
            #expect(try await server.review(["keys", "revoke", first, "--yes"]).status == 0)
            try await Self.upload(port, EndToEndTests.gpsJPEG)  // 3: Dana
        }
        #expect(try await server.review(["keys", "add", erin.publicFile.path]).status == 0)

        let byFirst = try await server.review(["keys", "grant", "--all", "--to", erin.fingerprint, "--key", server.keyFile.path])
        #expect(byFirst.status == 1, "\(byFirst.stderr)")
        #expect(byFirst.stdoutText.contains("granted 2 file(s)"), "\(byFirst.stdoutText)")
        #expect(byFirst.stderr.contains("1 file(s) not granted because your key does not open them") && byFirst.stderr.contains(": 3;"), "\(byFirst.stderr)")

        let byDana = try await server.review(["keys", "grant", "--all", "--to", erin.publicFile.path, "--key", dana.keyFile.path])
        #expect(byDana.status == 0, "\(byDana.stderr)")
        #expect(byDana.stdoutText.contains("granted 1 file(s)") && byDana.stdoutText.contains("2 already sealed to it"), "\(byDana.stdoutText)")
        let verified = try await server.review(["verify", "--key", erin.keyFile.path])
        #expect(verified.status == 0 && verified.stdoutText.contains("3 decrypted"), "\(verified.stdoutText)")
    }
}
