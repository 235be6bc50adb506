import Foundation
import Testing

/// Many submitters at once, at small scale: `Tests/Load/loadtest.py` against the in-process server, then
/// `check_store.py` (every receipt is a stored, verifiable file; nothing else stored or left in the spool) and
/// `anonymity_scan.py` (no client address, User-Agent, Referer, file name or message anywhere).
/// `Scripts/loadtest.sh` runs the same scripts at full scale against a release build. The other tests here pin
/// down, as known issues, what the load test ran into (each has its own server, so they run side by side).
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct LoadTests {
    static func script(_ name: String) -> String {
        Paths.repository.appendingPathComponent("Tests/Load/\(name)").path
    }

    static func python(_ name: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> Subprocess.Result {
        try await Subprocess.run("/usr/bin/python3", [script(name)] + arguments, environment: environment)
    }

    static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// The server's own "listening on 127.0.0.1:PORT" lines are the only place the loopback address may appear.
    static let allowedAddressLines = #"listening on (http://)?127\.0\.0\.1:[0-9]+"#

    /// Runs `anonymity_scan.py` for `needles` over the server's data folder, the test's folder, the server's captured
    /// output (written beside them first) and what changed in the temp folder since `marker`, leaving out the
    /// clients' own folder. Also checks that the output was captured, or the scan of it would prove nothing.
    static func scanForTraces(_ server: TestServer, needles: URL, since marker: URL, excluding client: URL) async throws -> Subprocess.Result {
        let output = try server.folder.write("server-output.log", Data(server.logs.text.utf8))
        #expect(server.logs.text.contains("Serving files from"), "the server's log was not captured")
        return try await python("anonymity_scan.py", [
            "--needles", needles.path, "--data", server.data.root.path, "--scan", server.folder.url.path, "--output", output.path,
            "--recent", FileManager.default.temporaryDirectory.path, "--since", marker.path, "--exclude", client.path,
            "--skip-dir-name", ".build", "--skip-dir-name", ".git", "--allow", allowedAddressLines,
        ])
    }

    @Test("twelve clients for 6 s, dropping, slow, stalling, busy and refused: every receipt is a stored, verifiable file, nothing else is stored, no trace of the clients is left")
    func smallLoad() async throws {
        let server = try TestServer()
        // The clients' results list every needle, so their folder is kept out of the scan.
        let client = server.folder.path("client")
        try FileManager.default.createDirectory(at: client, withIntermediateDirectories: true)
        let marker = try server.folder.write("client/marker", Data())
        let results = client.appendingPathComponent("results.json")
        let load = try await server.run(limits: { limits in
            // Few places and a short wait, so that the busy path (503, Retry-After) is taken; a short body idle
            // timeout, so that the stalling client is cut within the run.
            limits.maxConcurrentUploads = 4
            limits.uploadQueueWait = .milliseconds(300)
            limits.bodyIdleTimeout = .seconds(3)
        }) { port in
            try await Self.python("loadtest.py", [
                "http://127.0.0.1:\(port)", "--clients", "12", "--seconds", "6", "--corpus", Paths.corpus.path,
                "--out", results.path, "--corpus-limit", "20", "--video-mb", "8", "--video-fraction", "0.17", "--video-share", "1",
                "--drop-fraction", "0.25", "--slow-fraction", "0.17", "--stall-fraction", "0.09", "--stall-seconds", "10",
                "--reject-fraction", "0.1", "--max-backoff", "0.5", "--grace", "20",
            ])
        }
        let report = Self.object(try Data(contentsOf: results))
        #expect(load.status == 0, "loadtest.py failed: \(load.stderr.suffix(3000))")
        let events = report["events"] as? [String: Int] ?? [:]
        #expect(report["receipts_during_load"] as? Int ?? 0 >= 5, "\(load.stdoutText)")
        #expect(events["dropped"] ?? 0 > 0, "no upload was dropped: \(events)")
        #expect(events["tus_resumed"] ?? 0 > 0, "no tus upload was cut and resumed: \(events)")
        #expect(events["stalled_and_cut"] ?? 0 > 0, "no stalled body was cut by the server: \(events)")
        #expect(events["refused_busy"] ?? 0 > 0, "the busy path (503) was not taken: \(events)")
        #expect(events["rejected_as_expected"] ?? 0 > 0, "no submission with a PDF was refused: \(events)")
        #expect((report["latency"] as? [String: Any])?["slow photo"] is [String: Any], "no slow upload finished: \(events), \(report["latency"] ?? "no latencies")")

        // The scan runs first, while the modification times are the server's (evidence-review opens the database).
        let scan = try await Self.scanForTraces(server, needles: results, since: marker, excluding: client)
        let scanned = Self.object(scan.stdout)
        #expect(scan.status == 0, "traces of the clients found: \(scanned["hits"] ?? scan.stderr)")
        #expect((scanned["scanned"] as? [String: Any])?["files"] as? Int ?? 0 > 100)

        let check = try await Self.python("check_store.py", [
            "--data", server.data.root.path, "--review", Paths.binaries.appendingPathComponent("evidence-review").path,
            "--key", server.keyFile.path, "--results", results.path,
        ], environment: ["EVIDENCE_KEY_PASSPHRASE": TestServer.passphrase])
        let checked = Self.object(check.stdout)
        #expect(check.status == 0, "store check failed: \(checked["failures"] ?? check.stderr)")
        #expect(checked["records"] as? Int == checked["receipt_files"] as? Int)
        #expect(checked["verify_exit"] as? Int == 0)

        // The scan can find what it looks for: the clients' own results hold every anchor.
        let control = try await Self.python("anonymity_scan.py", ["--needles", results.path, "--scan", results.path])
        let found = Set((Self.object(control.stdout)["hits"] as? [[String: Any]] ?? []).compactMap { $0["needle"] as? String })
        let anchors = (report["needles"] as? [String: Any])?["anchors"] as? [String] ?? []
        #expect(control.status == 1 && !anchors.isEmpty && found.isSuperset(of: anchors), "the scan missed \(Set(anchors).subtracting(found))")
    }

    @Test("a body cut short of its Content-Length is refused as the client's fault, and nothing is stored")
    func truncatedBody() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG).path
        // Declares 100 kB more than it sends, then half-closes: the server sees the end of the stream mid-body.
        let client = """
            import socket, sys
            port, path = int(sys.argv[1]), sys.argv[2]
            body = b'--B\\r\\nContent-Disposition: form-data; name="files"; filename="a.jpg"\\r\\n\\r\\n' + open(path, 'rb').read()
            s = socket.create_connection(('127.0.0.1', port))
            s.sendall(b'POST /submissions HTTP/1.1\\r\\nHost: x\\r\\nAccept: application/json\\r\\n'
                      b'Content-Type: multipart/form-data; boundary=B\\r\\nContent-Length: %d\\r\\n\\r\\n' % (len(body) + 100000) + body)
            s.shutdown(socket.SHUT_WR)
            answer = b''
            while True:
                data = s.recv(65536)
                if not data:
                    break
                answer += data
            print(answer.split(b' ')[1].decode() if answer else 'none')
            """
        let status = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", ["-c", client, String(port), photo]).stdoutText
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(status != "201")
        #expect(status == "400", "a body cut short is a bad request, not the server failing to store")
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.isEmpty == true)
        let spool = try FileManager.default.contentsOfDirectory(atPath: server.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "left in the spool: \(spool)")
    }

    @Test("a tus upload stays usable when a PATCH is resent while the server still holds the dropped one")
    func tusResumeRace() async throws {
        let server = try TestServer()
        let (race, stall) = try await server.run(limits: { $0.bodyIdleTimeout = .seconds(2) }) { port in
            (try await Self.python("connection_probes.py", [String(port), "tus-race"]),
             try await Self.python("connection_probes.py", [String(port), "tus-stall", "3"]))
        }
        let raced = Self.object(race.stdout) as? [String: [String: Any]] ?? [:]
        let stalled = Self.object(stall.stdout)
        #expect(raced.count == 2 && stalled["resumed_patch"] as? String == "204", "\(race.stdoutText) \(race.stderr) \(stall.stdoutText) \(stall.stderr)")
        // While the dropped PATCH is still open (until the server sees the close, or for up to the body idle timeout,
        // 120 s, when the network went silent), HEAD gives the old offset and a resumed PATCH from there passes the
        // offset check too; both end as segments from that offset. They hold the same bytes, so the longer is kept
        // and the upload stays usable (it used to be "damaged" for good). A phone that changes networks resumes so.
        #expect(stalled["head"] as? String == "200", "silent drop, then resume: \(stalled)")
        for (mode, result) in raced {
            #expect(result["head"] as? String == "200", "after a \(mode): \(result)")
        }
    }

    @Test("a request refused before its body is read gets its answer at once, also with Connection: close")
    func earlyAnswer() async throws {
        let server = try TestServer()
        let output = try await server.run(limits: { $0.headerTimeout = .seconds(3) }) { port in
            try await Self.python("connection_probes.py", [String(port), "early-answer"]).stdout
        }
        let answers = Self.object(output) as? [String: [String: Any]] ?? [:]
        let seconds = answers.compactMapValues { $0["seconds"] as? Double }
        #expect(seconds.count == 6, "\(answers)")
        let expected = ["tus wrong offset": "409", "tus unknown upload": "404", "form not multipart": "400"]
        for (request, answer) in answers {
            let kind = String(request.prefix { $0 != "," })
            #expect(answer["status"] as? String == expected[kind], "\(request): \(answer)")
        }
        // Without Connection: close Hummingbird reads and drops the rest of the body. With it, Hummingbird stops
        // reading once the answer is written; LingeringCloseHandler reads and drops the rest, so a client that
        // sends its whole body before reading gets the answer at once, not after the idle (header) timeout of 3 s.
        for (request, time) in seconds where request.hasSuffix("close") {
            #expect(time < 2.5, "\(request): \(time) s (without Connection: close: \(seconds.filter { $0.key.hasSuffix("keep-alive") }))")
        }
    }
}
