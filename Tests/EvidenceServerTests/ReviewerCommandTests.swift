import EvidenceCrypto
import Foundation
import Testing

/// `list`, `show`, `note` and `tag` on a store built by real uploads; JSON parsed and checked.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ReviewerCommandTests {
    /// A hostile message: sets the terminal title, rings the bell, clears the screen (with ESC and with the C1 CSI),
    /// overwrites the line, and reverses what follows.
    static let hostile = "at Abay street \u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}2J\rspoofed\u{08}\u{202E}gpj.exe"

    /// Submission 1: the GPS JPEG with a hostile message; submission 2: a PNG and the same JPEG again.
    static func stored() async throws -> TestServer {
        let server = try TestServer()
        try await server.run { port in
            _ = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)], message: hostile)
            _ = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.textPNG), Paths.corpusFile(EndToEndTests.gpsJPEG)])
        }
        return server
    }

    /// Every key of a JSON object, at every depth.
    static func keys(of value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return object.reduce(into: Set(object.keys)) { $0.formUnion(keys(of: $1.value)) }
        }
        return (value as? [Any])?.reduce(into: Set<String>()) { $0.formUnion(keys(of: $1)) } ?? []
    }

    static func ids(_ result: Subprocess.Result) throws -> [Int] {
        let rows = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]] ?? []
        return rows.compactMap { $0["id"] as? Int }
    }

    @Test("list filters by type, tag, day and message text, sorts, and reports duplicates and flags")
    func listFilters() async throws {
        let server = try await Self.stored()
        #expect(try await server.review(["tag", "2", "bridge", "night", "--as", "alice"]).status == 0)
        #expect(try await server.review(["tag", "3", "batch-7", "--submission"]).status == 0)
        #expect(try await server.review(["tag", "3", "no spaces"]).status == 2)
        #expect(try Self.ids(try await server.review(["list", "--json"])) == [1, 2, 3])
        #expect(try Self.ids(try await server.review(["list", "--type", "png", "--json"])) == [2])
        #expect(try Self.ids(try await server.review(["list", "--type", "image", "--json"])) == [1, 2, 3])
        #expect(try Self.ids(try await server.review(["list", "--type", "video,audio", "--json"])).isEmpty)
        #expect(try Self.ids(try await server.review(["list", "--tag", "batch-7", "--json"])) == [2, 3])
        #expect(try Self.ids(try await server.review(["list", "--tag", "night", "--json"])) == [2])
        #expect(try Self.ids(try await server.review(["list", "--since", "2999-01-01", "--json"])).isEmpty)
        #expect(try Self.ids(try await server.review(["list", "--until", "2999-01-01", "--json"])) == [1, 2, 3])
        let bySize = try await server.review(["list", "--sort", "size", "--reverse", "--json"])
        let sizes = (try JSONSerialization.jsonObject(with: bySize.stdout) as? [[String: Any]] ?? []).compactMap { $0["sealed_size"] as? Int }
        #expect(sizes.count == 3 && sizes == sizes.sorted(by: >))
        // The message is encrypted: searching it needs the key.
        #expect(try await server.review(["list", "--text", "abay"]).status == 2)
        #expect(try Self.ids(try await server.review(["list", "--text", "ABAY STREET", "--key", server.keyFile.path, "--json"])) == [1])
        #expect(try await server.review(["list", "--type", "pdfx"]).stderr.contains("unknown type"))

        // Without the key the store gives no hash, exact size or duplicate; with it, they are opened and grouped here.
        let sealed = try JSONSerialization.jsonObject(with: try await server.review(["list", "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(sealed.count == 3 && sealed.allSatisfy { $0["original_sha256"] == nil && $0["cleaned_size"] == nil && $0["sealed_size"] != nil })
        #expect(sealed.allSatisfy { ($0["duplicates"] as? [Int])?.isEmpty == true })
        let rows = try JSONSerialization.jsonObject(
            with: try await server.review(["list", "--json", "--key", server.keyFile.path]).stdout) as? [[String: Any]] ?? []
        #expect(rows[0]["duplicates"] as? [Int] == [3] && rows[2]["duplicates"] as? [Int] == [1])
        #expect(rows[1]["tags"] as? [String] == ["batch-7", "bridge", "night"])
        #expect(rows[0]["legal_hold"] as? Bool == false && rows[0]["cleaned"] as? Bool == true)
        for field in ["id", "submission", "received_hour", "type", "original_size", "cleaned_size", "status", "original_sha256",
                      "cleaned_sha256", "sealed_sha256", "sealed_size", "duplicates", "tags", "legal_hold", "original_kept", "cleaned"] {
            #expect(rows.allSatisfy { $0[field] != nil }, "field \(field) is missing from list --json")
        }

        // The plain table, piped: no colour codes, every file on a line.
        let table = try await server.review(["list", "--status", "all"])
        #expect(!table.stdoutText.contains("\u{1B}"))
        #expect(table.stdoutText.split(separator: "\n").count == 4)
        #expect(table.stdoutText.contains("batch-7,bridge,night"))

        // A limit: the first rows in the chosen order, and a line saying how many more match.
        let limited = try await server.review(["list", "--status", "all", "--limit", "2", "--sort", "size", "--reverse"])
        let lines = limited.stdoutText.split(separator: "\n")
        #expect(lines.count == 4 && lines.last == "showing the first 2 of 3 matching files; --limit N or --all for more, or narrow with filters",
                "\(limited.stdoutText)")
        #expect(try Self.ids(try await server.review(["list", "--limit", "2", "--json"])) == [1, 2])
        #expect(try Self.ids(try await server.review(["list", "--all", "--json"])) == [1, 2, 3])
        // After a filter applied outside SQL (message text), the limit still counts only the matches.
        #expect(try Self.ids(try await server.review(["list", "--text", "street", "--key", server.keyFile.path, "--limit", "1", "--json"])) == [1])
        #expect(try await server.review(["list", "--limit", "3"]).stdoutText.split(separator: "\n").count == 4, "no note when all are shown")

        // A narrow terminal (the width comes from COLUMNS when standard output is not one): no line is wider.
        for extra in [[], ["--key", server.keyFile.path]] {
            let narrow = try await server.review(["list", "--status", "all"] + extra, environment: ["COLUMNS": "60"])
            let narrowLines = narrow.stdoutText.split(separator: "\n")
            #expect(narrow.status == 0 && narrowLines.count == 4, "\(narrow.stdoutText)\(narrow.stderr)")
            #expect(narrowLines.allSatisfy { $0.count <= 60 }, "\(narrow.stdoutText)")
            #expect(narrowLines[0].hasPrefix("ID  ") && narrowLines[0].contains("STATUS"), "\(narrow.stdoutText)")
            #expect(narrowLines.dropFirst().map { $0.split(separator: " ").first } == ["1", "2", "3"])
            #expect(narrowLines.dropFirst().allSatisfy { $0.contains("pending") }, "\(narrow.stdoutText)")
        }
        #expect(try await server.review(["list", "--limit", "0"]).status == 2)
        #expect(try await server.review(["list", "--all", "--limit", "5"]).status == 2)
    }

    @Test("list --since and --until pick exactly the files received in the range, both days included")
    func dateRange() async throws {
        let server = try await Self.stored()
        // Received on three days; the CLI cannot backdate, so the store is changed directly.
        let hours = [1: "2026-03-01T23:00Z", 2: "2026-03-02T00:00Z", 3: "2026-03-05T12:00Z"]
        let updates = hours.map { "UPDATE file SET received_hour = '\($0.value)' WHERE id = \($0.key);" }.joined()
        let changed = try await Subprocess.run("sqlite3", [server.data.database.path, updates])
        try #require(changed.status == 0, "\(changed.stderr)")
        let ranges: [([String], [Int])] = [
            (["--since", "2026-03-02", "--until", "2026-03-05"], [2, 3]),
            (["--since", "2026-03-01", "--until", "2026-03-01"], [1]),
            (["--until", "2026-03-01"], [1]),
            (["--since", "2026-03-02"], [2, 3]),
            (["--since", "2026-03-05"], [3]),
            (["--since", "2026-03-03", "--until", "2026-03-04"], []),
            (["--since", "2026-02-28", "--until", "2026-03-02"], [1, 2]),
        ]
        for (range, expected) in ranges {
            let listed = try await server.review(["list", "--status", "all", "--json"] + range)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(try Self.ids(listed) == expected, "\(range)")
        }
        let received = try JSONSerialization.jsonObject(
            with: try await server.review(["list", "--since", "2026-03-02", "--until", "2026-03-02", "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(received.map { $0["received_hour"] as? String } == [hours[2]])
        #expect(try await server.review(["list", "--since", "2026-3-2"]).status == 2)
    }

    @Test("show and list --key give the decrypted message with hostile text neutralised; show also the submission, duplicates, custody, tags and notes")
    func show() async throws {
        let server = try await Self.stored()
        #expect(try await server.review(["note", "1", "faces visible, blur before sharing", "--as", "alice"]).status == 0)
        #expect(try await server.review(["note", "1", "whole batch from one phone", "--submission", "--as", "bob"]).status == 0)
        #expect(try await server.review(["tag", "1", "bridge"]).status == 0)
        #expect(try await server.review(["hold", "1", "--reason", "court order"]).status == 0)
        #expect(try await server.review(["reply", "1", "--message", "thank you"]).status == 0)
        let json = try await server.review(["show", "1", "--key", server.keyFile.path, "--json"])
        let details = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any] ?? [:]
        #expect(details["message"] as? String == Self.hostile.trimmingCharacters(in: .whitespaces))
        let notes = details["notes"] as? [[String: Any]] ?? []
        #expect(notes.compactMap { $0["text"] as? String } == ["faces visible, blur before sharing", "whole batch from one phone"])
        #expect(notes.compactMap { $0["actor"] as? String } == ["alice", "bob"])
        #expect(notes.map { $0["file_id"] as? Int } == [1, nil])
        let submission = details["submission"] as? [String: Any] ?? [:]
        #expect(submission["files"] as? [Int] == [1])
        #expect(submission["legal_hold"] as? Bool == true && submission["replies_to_submitter"] as? Int == 1)
        let report = details["removal_report"] as? [String: Any] ?? [:]
        #expect(report["media_type"] as? String == "jpeg")
        #expect((report["removed"] as? [[String: Any]])?.contains { ($0["what"] as? String)?.contains("Exif") == true && ($0["bytes"] as? Int ?? 0) > 0 } == true,
                "\(report)")
        #expect((details["scrubber_version"] as? String)?.isEmpty == false)
        #expect(Self.keys(of: details).allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }, "\(Self.keys(of: details))")
        #expect((details["file"] as? [String: Any])?["duplicates"] as? [Int] == [3])
        let custody = (details["custody"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(custody == ["received", "note", "note", "tagged", "legal-hold", "replied"])

        let text = try await server.review(["show", "1", "--key", server.keyFile.path])
        #expect(text.status == 0)
        #expect(!text.stdoutText.contains("\u{1B}") && !text.stdoutText.contains("\u{07}"), "a raw control character reached the terminal")
        #expect(text.stdoutText.contains("at Abay street \\e]0;pwned\\x07\\e[2J"))
        #expect(text.stdoutText.contains("duplicates      file 3"))
        #expect(text.stdoutText.contains("faces visible, blur before sharing"))
        // Without the key, no message and no notes, and a hint how to see them.
        let locked = try await server.review(["show", "1", "--json"])
        let lockedDetails = try JSONSerialization.jsonObject(with: locked.stdout) as? [String: Any] ?? [:]
        #expect(lockedDetails["message"] == nil && lockedDetails["notes"] == nil)

        // list --key: the message's first line in a MESSAGE column, every control character made visible.
        let listed = try await server.review(["list", "--key", server.keyFile.path], environment: ["COLUMNS": "200"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = listed.stdoutText.split(separator: "\n")
        #expect(rows.first?.hasSuffix("MESSAGE") == true, "\(listed.stdoutText)")
        #expect(rows.first { $0.hasPrefix("1 ") }?.hasSuffix("at Abay street \\e]0;pwned\\x07\\e[2J\\u{9B}2J\\x0Dspoofed\\x08gpj.exe") == true,
                "\(listed.stdoutText)")
        #expect(rows.first { $0.hasPrefix("2 ") }?.hasSuffix("  -") == true, "no message: \(listed.stdoutText)")
        let bytes = [UInt8](listed.stdout)
        #expect(!bytes.contains { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F || $0 == 0x9B }, "a control byte reached the terminal")
        #expect(!listed.stdoutText.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E })
        // --json with --key: the whole message, JSON-escaped; null for a submission without one; absent without --key.
        let listedJSON = try JSONSerialization.jsonObject(
            with: try await server.review(["list", "--key", server.keyFile.path, "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(listedJSON.first?["message"] as? String == Self.hostile)
        #expect(listedJSON.count == 3 && listedJSON[1]["message"] is NSNull)
        let plainJSON = try JSONSerialization.jsonObject(with: try await server.review(["list", "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(plainJSON.count == 3 && plainJSON.allSatisfy { $0["message"] == nil })
    }

    @Test("colour on a terminal, none with NO_COLOR or through a pipe")
    func colourRules() async throws {
        let server = try await Self.stored()
        let binary = Paths.binaries.appendingPathComponent("evidence-review").path
        let command = "\(binary) list --data \(server.data.root.path)"
        // `script` gives the command a pseudo-terminal, as a reviewer's shell would.
        let coloured = try await Subprocess.run("script", ["-qec", "env -u NO_COLOR TERM=xterm \(command)", "/dev/null"])
        #expect(coloured.stdoutText.contains("\u{1B}[33m"), "pending is not yellow on a terminal: \(coloured.stdoutText)")
        let plain = try await Subprocess.run("script", ["-qec", "env NO_COLOR=1 TERM=xterm \(command)", "/dev/null"])
        #expect(!plain.stdoutText.contains("\u{1B}["), "NO_COLOR was ignored")
    }

    /// The subcommands a `--help` page lists.
    static func subcommands(_ help: Subprocess.Result) -> [String] {
        let parts = help.stdoutText.components(separatedBy: "SUBCOMMANDS:")
        guard parts.count == 2 else { return [] }
        return parts[1].split(separator: "\n").compactMap { line -> String? in
            let word = line.split(separator: " ").first.map(String.init) ?? ""
            return line.hasPrefix("  ") && !word.isEmpty && word != "help" ? word : nil
        }
    }

    @Test("every command's and subcommand's --help has an example, and shell completion scripts are generated")
    func helpAndCompletion() async throws {
        let server = try TestServer()
        let names = Self.subcommands(try await server.review(["--help"]))
        #expect(names.count >= 10 && names.contains("list") && names.contains("tag"), "\(names)")
        var commands: [[String]] = []
        for name in names {
            commands.append([name])
            commands += Self.subcommands(try await server.review([name, "--help"])).map { [name, $0] }
        }
        #expect(commands.contains(["keys", "grant"]) && commands.contains(["log", "prove"]), "\(commands)")
        for command in ["keys add", "keys list", "keys revoke", "keys grant", "log checkpoint", "log prove"] {
            #expect(commands.contains(command.split(separator: " ").map(String.init)), "\(command) is not listed")
        }
        for command in commands {
            let help = try await server.review(command + ["--help"])
            #expect(help.stdoutText.contains("Example"), "`\(command.joined(separator: " ")) --help` has no example")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try await server.review(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.stdoutText.contains("list") && script.stdoutText.contains("status"), "\(shell)")
        }
    }

    @Test("keygen on a terminal asks for the passphrase even with EVIDENCE_KEY_PASSPHRASE set (a demo's), says why, and the key opens with what was typed only",
          .enabled(if: TmuxPane.isInstalled, "needs /usr/bin/tmux"))
    func keygenAsksOnTerminal() async throws {
        let folder = try TestFolder()
        let binary = Paths.binaries.appendingPathComponent("evidence-review").path
        let key = folder.path("bob.key")
        let typed = "typed at the terminal, four words"
        let leftOver = "demo passphrase, change me"
        let command = [binary, "keygen", "--out", key.path].map(TmuxPane.quoted).joined(separator: " ") + "; echo exit=$?"
        try await TmuxPane.run(command, environment: ["EVIDENCE_KEY_PASSPHRASE": leftOver], in: folder) { pane in
            try await pane.waitFor("EVIDENCE_KEY_PASSPHRASE is set, but a new key's passphrase is always typed here.", "New passphrase for")
            try await pane.type(typed)
            try await pane.send("Enter")
            try await pane.waitFor("Repeat the passphrase:")
            try await pane.type(typed)
            try await pane.send("Enter")
            try await pane.waitFor("exit=0", "fingerprint:")
        }
        for (passphrase, opens) in [(typed, true), (leftOver, false)] {
            let opened = try await Subprocess.run(
                "openssl", ["pkey", "-in", key.path, "-passin", "env:KEY_PASS", "-noout"], environment: ["KEY_PASS": passphrase])
            #expect((opened.status == 0) == opens, "\(passphrase): \(opened.stderr)")
        }
    }

    @Test("keygen writes FILE (0600, PKCS#8 encrypted: openssl opens it with the passphrase only) and FILE.pub, and never overwrites")
    func keygen() async throws {
        let folder = try TestFolder()
        let binary = Paths.binaries.appendingPathComponent("evidence-review").path
        let key = folder.path("alice.key")
        let passphrase = "four words make a passphrase"
        let made = try await Subprocess.run(binary, ["keygen", "--out", key.path, "--passphrase-from-environment"], environment: ["EVIDENCE_KEY_PASSPHRASE": passphrase])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr.contains("the passphrase comes from EVIDENCE_KEY_PASSPHRASE"), "keygen says where it came from: \(made.stderr)")
        let permissions = { (url: URL) in
            (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue
        }
        let pub = URL(fileURLWithPath: key.path + ".pub")
        #expect(try permissions(key) == 0o600)
        #expect(try permissions(pub) == 0o644)
        let pem = try String(contentsOf: key, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "\(pem)")

        // OpenSSL, not this program, opens the key with the passphrase, and derives the same public key.
        let opened = try await Subprocess.run(
            "openssl", ["pkey", "-in", key.path, "-passin", "env:KEY_PASS", "-pubout"], environment: ["KEY_PASS": passphrase])
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(opened.stdoutText == (try String(contentsOf: pub, encoding: .utf8)))
        let fingerprint = try X25519PublicKey(pem: opened.stdoutText).fingerprint
        #expect(made.stdoutText.contains("fingerprint: \(fingerprint)"), "\(made.stdoutText)")
        let wrong = try await Subprocess.run(
            "openssl", ["pkey", "-in", key.path, "-passin", "env:KEY_PASS", "-noout"], environment: ["KEY_PASS": passphrase + "!"])
        #expect(wrong.status != 0)

        let again = try await Subprocess.run(binary, ["keygen", "--out", key.path, "--passphrase-from-environment"], environment: ["EVIDENCE_KEY_PASSPHRASE": passphrase])
        #expect(again.status == 2 && again.stderr.contains("already exists"), "\(again.stderr)")
        #expect(try String(contentsOf: key, encoding: .utf8) == pem)
        let short = try await Subprocess.run(
            binary, ["keygen", "--out", folder.path("short.key").path, "--passphrase-from-environment"], environment: ["EVIDENCE_KEY_PASSPHRASE": "short"])
        #expect(short.status == 2 && short.stderr.contains("too short"), "\(short.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("short.key").path))

        // A strict umask does not make the public key private, nor a loose one the private key readable.
        for (umask, name) in [("077", "strict.key"), ("000", "loose.key")] {
            let out = folder.path(name)
            let made = try await Subprocess.run(
                "/bin/sh", ["-c", "umask \(umask) && exec \"$0\" keygen --out \"$1\" --passphrase-from-environment", binary, out.path],
                environment: ["EVIDENCE_KEY_PASSPHRASE": passphrase])
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try permissions(out) == 0o600, "umask \(umask)")
            #expect(try permissions(URL(fileURLWithPath: out.path + ".pub")) == 0o644, "umask \(umask)")
        }
    }
}
