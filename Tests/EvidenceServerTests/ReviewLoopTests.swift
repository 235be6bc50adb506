import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// The interactive `evidence-review review`, driven through tmux as a reviewer would drive it: keys go in with
/// `send-keys`, the screen comes back with `capture-pane`, and what was decided is read back from the store.
@Suite(.enabled(if: Paths.hasCorpus && TmuxPane.isInstalled, "needs ../shared/corpus and /usr/bin/tmux"), .serialized)
struct ReviewLoopTests {
    @Test("approve one, reject one with a reason, quit: the count of pending files goes down with each; the custody trail and the log show both")
    func approveRejectQuit() async throws {
        let server = try TestServer()
        try await Self.uploadThreeFiles(to: server)
        let screen = try await TmuxPane.run(Self.review(server, "--as", "alice"), in: server.folder) { pane in
            try await pane.waitFor("1 of 3 pending files · 3 still pending")
            try await pane.send("a")
            try await pane.waitFor("file 1 approved", "2 of 3 pending files · 2 still pending", "file 2 · submission 2")
            try await pane.send("r")
            try await pane.waitFor("Reason for rejecting file 2:")
            try await pane.type("staged scene")
            try await pane.send("Enter")
            try await pane.waitFor("file 2 rejected", "3 of 3 pending files · 1 still pending")
            try await pane.send("q")
            return try await pane.waitFor("review ended: 1 approved, 1 rejected")
        }
        #expect(!screen.contains("3 of 3"), "the terminal is back on its normal screen: \(screen)")

        let approved = try await Self.custody(server, file: 1)
        #expect(approved.contains { $0.action == "approved" && $0.actor == "alice" }, "\(approved)")
        let rejected = try await Self.custody(server, file: 2)
        #expect(rejected.contains { $0.action == "rejected" && $0.actor == "alice" && $0.detail == "staged scene" }, "\(rejected)")
        #expect(try await Self.custody(server, file: 3).map(\.action) == ["received"])

        let store = try EvidenceStore(url: server.data.database)
        let decisions = try [1, 2, 3].flatMap { try store.logEntries(fileID: $0) }.compactMap { stored -> LogEntry.Reviewed? in
            guard case .reviewed(let entry) = try LogEntry(decoding: stored.bytes) else { return nil }
            return entry
        }
        #expect(decisions.map(\.fileID) == [1, 2])
        #expect(decisions.map(\.decision) == [.approve, .reject])
        #expect(decisions.map(\.reason) == ["", "staged scene"])
        #expect(decisions.allSatisfy { $0.actor == "alice" })
        // The log with the two decisions still recomputes to its signed checkpoints.
        let verified = try await server.review(["verify"])
        #expect(verified.status == 0 && verified.stdoutText.contains("5 log entries"), "\(verified.stdoutText) \(verified.stderr)")
    }

    @Test("arrow keys (both encodings) move through the queue, a lone Esc cancels, Ctrl-C quits and gives the terminal back")
    func arrowKeysAndCancelling() async throws {
        let server = try TestServer()
        try await Self.uploadThreeFiles(to: server)
        let command = Self.review(server, "--as", "alice") + "; stty -a"
        try await TmuxPane.run(command, in: server.folder) { pane in
            try await pane.waitFor("1 of 3 pending files")
            try await pane.send("Right")
            try await pane.waitFor("2 of 3 pending files", "file 2 · submission 2")
            // ESC O C: the right arrow as a terminal in application cursor mode sends it.
            try await pane.sendBytes("1b 4f 43")
            try await pane.waitFor("3 of 3 pending files")
            try await pane.send("Right")
            try await pane.waitFor("this is the last file of the queue", "3 of 3 pending files")
            try await pane.send("Left")
            try await pane.waitFor("2 of 3 pending files")
            try await pane.sendBytes("1b 4f 44")
            try await pane.waitFor("1 of 3 pending files")
            try await pane.send("Left")
            try await pane.waitFor("this is the first file of the queue")

            try await pane.send("r")
            try await pane.waitFor("Reason for rejecting file 1:")
            try await pane.send("Enter")
            try await pane.waitFor("a rejection needs a reason")
            try await pane.type("not sure")
            try await pane.waitFor("Reason for rejecting file 1: not sure")
            try await pane.send("Escape")
            try await pane.waitFor("not rejected; file 1 is unchanged", "1 of 3 pending files")
            try await pane.send("k")
            try await pane.waitFor("file 1 skipped", "2 of 3 pending files")
            try await pane.send("C-c")
            try await pane.waitFor("review ended: nothing changed", "icanon")
            try await pane.expectTerminalRestored()
        }
        for id in 1...3 {
            #expect(try await Self.custody(server, file: id).map(\.action) == ["received"])
        }
    }

    @Test("n and p move like the arrows; s and Enter open the details view, and any key goes back without acting")
    func letterKeysAndDetails() async throws {
        let server = try TestServer()
        try await Self.uploadThreeFiles(to: server)
        let second = try EvidenceStore(url: server.data.database).file(id: 2)
        try await TmuxPane.run(Self.review(server, "--as", "alice"), in: server.folder) { pane in
            try await pane.waitFor("1 of 3 pending files")
            try await pane.send("n")
            try await pane.waitFor("2 of 3 pending files", "file 2 · submission 2")
            try await pane.send("n")
            try await pane.waitFor("3 of 3 pending files", "file 3 · submission 3")
            try await pane.send("n")
            try await pane.waitFor("this is the last file of the queue", "3 of 3 pending files")
            try await pane.send("p")
            try await pane.waitFor("2 of 3 pending files")

            try await pane.send("s")
            let details = try await pane.waitFor("file 2: all details", "file 2 (submission 2)", "custody:", "removed:")
            // Without --key the hashes stay sealed: the screen says so and shows the sealed copy's hash only.
            let cleaned = try #require(try second.opened(with: server.identity).facts).cleanedSHA256
            #expect(!details.contains(String(cleaned.prefix(32))) && details.contains(String(second.sealedSHA256.prefix(32))), "\(details)")
            #expect(details.contains("sealed to the reviewers"), "\(details)")
            #expect(details.contains("scrubber      " + second.scrubberVersion.prefix(40)), "\(details)")
            #expect(!details.contains("2 of 3 pending files"), "the details replace the summary: \(details)")
            // q in the details view only goes back: the key is not acted on.
            try await pane.send("q")
            let back = try await pane.waitFor("2 of 3 pending files", "file 2 · submission 2")
            #expect(!back.contains("all details"), "\(back)")
            try await pane.send("Enter")
            try await pane.waitFor("file 2: all details", "file 2 (submission 2)")
            try await pane.send("a")
            let again = try await pane.waitFor("2 of 3 pending files")
            #expect(!again.contains("all details") && !again.contains("approved"), "\(again)")

            try await pane.send("p")
            try await pane.waitFor("1 of 3 pending files", "file 1 · submission 1")
            try await pane.send("p")
            try await pane.waitFor("this is the first file of the queue")
            try await pane.send("q")
            try await pane.waitFor("review ended: nothing changed")
        }
        for id in 1...3 {
            #expect(try await Self.custody(server, file: id).map(\.action) == ["received"])
        }
    }

    @Test("with --key: a hostile message is shown neutralised and cannot set the title; note, tag and export from the loop")
    func keyedReviewNeutralisesAndAnnotates() async throws {
        let server = try TestServer()
        let hostile = "look \u{1B}]0;pwned\u{07}\u{1B}[2J here"
        try await server.run { port in
            try await Self.upload(port: port, file: EndToEndTests.gpsJPEG, message: hostile)
            let answer = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.textPNG)])
            #expect(answer.status == 201, "\(answer.text)")
        }
        // As keygen leaves it: the public key beside the private one names the reviewer by fingerprint.
        try server.identity.publicKey.pem.write(toFile: server.keyFile.path + ".pub", atomically: true, encoding: .utf8)
        let exports = server.folder.path("exports")
        let opened = server.folder.path("opened.txt")
        let command = Self.review(server, "--as", "alice", "--key", server.keyFile.path, "--to", exports.path)
        let environment = ["EVIDENCE_KEY_PASSPHRASE": TestServer.passphrase, "EVIDENCE_OPEN": "echo >> '\(opened.path)'"]
        try await TmuxPane.run(command, environment: environment, in: server.folder) { pane in
            // A control: in this tmux the same escape sequence, printed raw, does set a pane's title.
            #expect(try await pane.titleOfWindow(printing: "\u{1B}]0;control-title\u{07}", expecting: "control-title") == "control-title")

            let first = try await pane.waitFor("1 of 2 pending files", "message from the submitter:")
            #expect(first.contains(#"look \e]0;pwned\x07\e[2J here"#), "\(first)")
            #expect(try await pane.format("#{pane_title}") != "pwned")

            try await pane.send("N")
            try await pane.waitFor("Note on file 1:")
            try await pane.type("seen by alice, véritable")
            try await pane.send("Enter")
            try await pane.waitFor("note added to file 1", "seen by alice, véritable", "notes (1):")
            try await pane.send("t")
            try await pane.waitFor("Tag for file 1")
            try await pane.type("needs-blur")
            try await pane.send("Enter")
            try await pane.waitFor("file 1 tagged needs-blur")
            try await pane.send("e")
            try await pane.waitFor("file 1 exported, SHA-256 verified, and opened with EVIDENCE_OPEN")
            try await pane.send("q")
            try await pane.waitFor("review ended: 1 exported, 1 note added, 1 tag changed")
        }

        let written = exports.appendingPathComponent("1.jpg")
        #expect(FileManager.default.fileExists(atPath: written.path))
        #expect(try String(contentsOf: opened, encoding: .utf8) == written.path + "\n")
        let store = try EvidenceStore(url: server.data.database)
        let fingerprint = server.identity.publicKey.fingerprint
        let custody = try store.custody(fileID: 1)
        for action in ["note", "tagged", "exported"] {
            #expect(custody.contains { $0.action == action && $0.actor == "alice [\(fingerprint)]" }, "\(action): \(custody)")
        }
        #expect(try store.tags(of: store.file(id: 1)) == ["needs-blur"])
        let desk = try ReviewDesk(folder: server.data)
        #expect(try desk.notes(submissionID: 1, identity: server.identity).map(\.text) == ["seen by alice, véritable"])
        #expect(try store.file(id: 1).status == .pending)
    }

    @Test("when xdg-open cannot open an export, the status row says why in its own words, and nothing it or what it started prints reaches the terminal, during the review or after it")
    func xdgOpenFailureStaysOffTheTerminal() async throws {
        let server = try TestServer()
        try await server.run { port in try await Self.upload(port: port, file: EndToEndTests.gpsJPEG, message: "at the bridge") }
        // A stand-in for xdg-open that fails as it does without a desktop, leaving a program that prints later.
        let bin = server.folder.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("xdg-open")
        try """
            #!/bin/sh
            echo "xdg-open: no method available for opening '$1'" >&2
            (sleep 1; echo "LATE-MARKER from a viewer it started" >&2) &
            exit 3
            """.write(to: fake, atomically: true, encoding: .utf8)
        chmod(fake.path, 0o755)
        // PATH on the command itself: the pane's shell sets its own.
        let command = "PATH=" + TmuxPane.quoted(bin.path + ":/usr/bin:/bin") + " "
            + Self.review(server, "--as", "alice", "--key", server.keyFile.path, "--to", server.folder.path("exports").path)
            + "; sleep 2; echo review-done"
        let environment = ["EVIDENCE_KEY_PASSPHRASE": TestServer.passphrase]
        let after = try await TmuxPane.run(command, environment: environment, in: server.folder) { pane in
            try await pane.waitFor("1 of 1 pending files")
            try await pane.send("e")
            let failed = try await pane.waitFor("xdg-open failed (exit 3): xdg-open: no method available for opening")
            #expect(!failed.contains("LATE-MARKER"))
            try await pane.send("q")
            try await pane.waitFor("review ended")
            return try await pane.waitFor("review-done")
        }
        #expect(!after.contains("LATE-MARKER") && !after.contains("no method available"), "printed on the terminal: \(after)")
    }

    @Test("SIGTERM ends the review with the terminal given back as it was")
    func terminationRestoresTerminal() async throws {
        let server = try TestServer()
        try await Self.uploadThreeFiles(to: server)
        try await TmuxPane.run(Self.review(server, "--as", "alice") + "; echo exit=$?; stty -a", in: server.folder) { pane in
            try await pane.waitFor("1 of 3 pending files")
            let shell = try await pane.format("#{pane_pid}")
            let children = try await Subprocess.run("pgrep", ["-P", shell])
            let review = try #require(Int32(children.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), "\(children.stdoutText)")
            #expect(kill(review, SIGTERM) == 0)
            try await pane.waitFor("exit=143", "icanon")
            try await pane.expectTerminalRestored()
        }
    }

    @Test("without a terminal, review refuses and points to the commands for scripts")
    func refusesWithoutTerminal() async throws {
        let server = try TestServer()
        let result = try await server.review(["review"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("review needs a terminal; for scripts use approve/reject/list"), "\(result.stderr)")
    }

    // MARK: - Helpers

    /// Three submissions of one file each: files 1, 2 and 3.
    private static func uploadThreeFiles(to server: TestServer) async throws {
        try await server.run { port in
            for file in [EndToEndTests.gpsJPEG, EndToEndTests.textPNG, EndToEndTests.cameraJPEG] {
                let answer = try await Upload.send(port: port, files: [Paths.corpusFile(file)])
                #expect(answer.status == 201, "\(answer.text)")
            }
        }
    }

    /// Uploads with the message as `--form-string`: `Upload.send` passes it with `-F`, where curl takes ";" in a
    /// value for the start of an option and would cut a message such as "\e]0;pwned" short.
    private static func upload(port: Int, file: String, message: String) async throws {
        let arguments = [
            "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Accept: application/json",
            "-F", "files=@\(Paths.corpusFile(file).path)", "--form-string", "message=\(message)",
            "http://127.0.0.1:\(port)/submissions",
        ]
        let result = try await Subprocess.run("curl", arguments)
        #expect(result.stdoutText == "201", "upload of \(file): \(result.stdoutText) \(result.stderr)")
    }

    /// The shell command that starts the review on the server's data folder. The config file of whoever runs the
    /// tests is kept out of it, so the reviewer is named by `--as` and `--key` alone.
    private static func review(_ server: TestServer, _ arguments: String...) -> String {
        let binary = Paths.binaries.appendingPathComponent("evidence-review").path
        let noConfig = "EVIDENCE_REVIEW_CONFIG=" + TmuxPane.quoted(server.folder.path("no-config.json").path)
        return noConfig + " " + ([binary, "review", "--data", server.data.root.path] + arguments).map(TmuxPane.quoted).joined(separator: " ")
    }

    private struct Custody: Decodable {
        let action: String
        let actor: String
        let detail: String?
    }

    /// The custody trail as `show --json` prints it.
    private static func custody(_ server: TestServer, file id: Int) async throws -> [Custody] {
        struct Shown: Decodable { let custody: [Custody] }
        let shown = try await server.review(["show", String(id), "--json"])
        try #require(shown.status == 0, "\(shown.stderr)")
        return try JSONDecoder().decode(Shown.self, from: shown.stdout).custody
    }
}

/// A detached tmux session on a private server, 120×40, running one shell command. The server's socket lives in the
/// test's folder (tmux leaves it behind when it exits), so it goes when the folder does.
struct TmuxPane {
    static let executable = "/usr/bin/tmux"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let socket: String
    let session = "review"
    /// The first window's pane, where the command runs.
    var target: String { "\(session):0.0" }

    /// Starts `command` (kept open 30 s after it ends, to read its last words), runs `body`, and kills the tmux
    /// server whatever happened.
    static func run<Value>(
        _ command: String, environment: [String: String] = [:], in folder: TestFolder, _ body: (TmuxPane) async throws -> Value
    ) async throws -> Value {
        let pane = TmuxPane(socket: folder.path("tmux.socket").path)
        var arguments = ["new-session", "-d", "-s", pane.session, "-x", "120", "-y", "40"]
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(name)=\(value)"] }
        do {
            try await pane.startServer(arguments + [command + "; sleep 30"])
            let value = try await body(pane)
            _ = try? await pane.tmux(["kill-server"])
            return value
        } catch {
            _ = try? await pane.tmux(["kill-server"])
            throw error
        }
    }

    /// `text` as one word for sh.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Runs the tmux command that starts the server. The server outlives that command and would inherit from this
    /// test process the descriptor by which Foundation's `Process` sees a child end (so waiting for the client would
    /// wait for the server) and its blocked signals (so `kill-server` would not end it): python3 clears both first.
    private func startServer(_ arguments: [String]) async throws {
        let launcher = """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))
            os.execv(sys.argv[1], sys.argv[1:])
            """
        let result = try await Subprocess.run("python3", ["-c", launcher, Self.executable, "-S", socket, "-f", "/dev/null"] + arguments)
        try #require(result.status == 0, "tmux \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    @discardableResult
    func tmux(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run(Self.executable, ["-S", socket, "-f", "/dev/null"] + arguments)
        try #require(result.status == 0, "tmux \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdoutText
    }

    /// Keys by tmux name: "a", "Enter", "Escape", "Right", "C-c".
    func send(_ key: String) async throws {
        try await tmux(["send-keys", "-t", target, key])
    }

    /// Text typed as it is.
    func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", target, "-l", text])
    }

    /// Raw bytes, in hex ("1b 4f 43"), sent in one write.
    func sendBytes(_ hex: String) async throws {
        try await tmux(["send-keys", "-t", target, "-H"] + hex.split(separator: " ").map(String.init))
    }

    func format(_ format: String) async throws -> String {
        try await tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .newlines)
    }

    /// The title of a second window that prints `sequence` raw: `expected` as soon as it is, else the last seen
    /// after 10 s.
    func titleOfWindow(printing sequence: String, expecting expected: String) async throws -> String {
        let script = "printf '%s' \(Self.quoted(sequence)); sleep 30"
        try await tmux(["new-window", "-d", "-t", "\(session):1", script])
        let deadline = ContinuousClock.now + .seconds(10)
        var title = ""
        while ContinuousClock.now < deadline {
            title = try await tmux(["display-message", "-p", "-t", "\(session):1.0", "#{pane_title}"]).trimmingCharacters(in: .newlines)
            if title == expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return title
    }

    /// After the review has ended and `stty -a` printed the terminal's settings: echo and line editing are back,
    /// the normal screen is shown and so is the cursor.
    func expectTerminalRestored() async throws {
        let screen = try await tmux(["capture-pane", "-p", "-t", target])
        #expect(screen.contains(" icanon") && !screen.contains("-icanon"), "\(screen)")
        #expect(screen.contains(" echo ") && !screen.contains("-echo "), "\(screen)")
        #expect(try await format("#{alternate_on} #{cursor_flag}") == "0 1", "normal screen, cursor shown")
    }

    /// Polls the screen until it shows every one of `texts`; returns it, or fails with the last one seen.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while ContinuousClock.now < deadline {
            screen = try await tmux(["capture-pane", "-p", "-t", target])
            if texts.allSatisfy(screen.contains) { return screen }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("waited \(timeout) for \(texts); the screen shows:\n\(screen)")
        throw TimedOut()
    }

    struct TimedOut: Error {}
}
