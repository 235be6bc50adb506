import EvidenceCrypto
import NIOCore
@testable import EvidenceServer
import EvidenceCore
import Foundation
import Testing

/// Flood protections: a bounded number of uploads at once (503 with Retry-After beyond it), and a free-space
/// floor under which uploads are refused with 507 and nothing is written.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ServerLimitsTests {
    /// A valid WAV of `size` bytes of silence: the server accepts and cleans it.
    static func wav(in folder: TestFolder, size: Int) throws -> URL {
        var header = Data("RIFF".utf8)
        func le32(_ value: Int) -> Data { withUnsafeBytes(of: UInt32(value).littleEndian) { Data($0) } }
        func le16(_ value: Int) -> Data { withUnsafeBytes(of: UInt16(value).littleEndian) { Data($0) } }
        let dataSize = size - 44
        header += le32(size - 8) + Data("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(2) + le32(48000) + le32(192_000) + le16(4) + le16(16)
        header += Data("data".utf8) + le32(dataSize)
        return try folder.write("silence.wav", header + Data(count: dataSize))
    }

    @Test("beyond the concurrent-upload limit an upload waits briefly, then gets a readable 503 with Retry-After")
    func busy() async throws {
        let server = try TestServer()
        let slow = try Self.wav(in: server.folder, size: 12_000_000)
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (first, refused, later) = try await server.run(limits: { limits in
            limits.maxConcurrentUploads = 1
            limits.uploadQueueWait = .milliseconds(300)
        }) { port in
            // The first upload holds the only place for about 3 s (curl sends at 4 MB/s).
            async let first = Subprocess.run("curl", [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--limit-rate", "4M", "-F", "files=@\(slow.path)",
                "http://127.0.0.1:\(port)/submissions",
            ])
            try await Task.sleep(for: .milliseconds(800))
            let refused = try await Subprocess.run("curl", [
                "-sS", "-i", "-H", "Accept-Language: ru", "-F", "files=@\(photo.path)", "http://127.0.0.1:\(port)/submissions",
            ])
            let firstStatus = try await first.stdoutText
            let later = try await Upload.send(port: port, files: [photo])
            return (firstStatus, refused.stdoutText, later.status)
        }
        #expect(first == "201")
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused.prefix(300))")
        #expect(refused.lowercased().contains("retry-after: 30"))
        #expect(refused.contains("<html lang=\"ru\">"), "the busy page is in the submitter's language")
        #expect(later == 201, "after the first upload ended, the next one got its place")
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 2, "the refused upload left a record")
    }

    @Test("below the free-space floor uploads get 507 at once, by form and by tus, and nothing is written")
    func belowFloor() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (form, page, tus) = try await server.run(limits: { $0.freeSpaceFloor = FreeSpaceFloor(bytes: 1 << 60, fraction: nil) }) { port in
            (try await Upload.send(port: port, files: [photo]),
             try await Upload.send(port: port, files: [photo], json: false),
             try await Subprocess.run("curl", [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Tus-Resumable: 1.0.0", "-H", "Upload-Length: 1000",
                "http://127.0.0.1:\(port)/uploads",
             ]).stdoutText)
        }
        #expect(form.status == 507, "\(form.text)")
        #expect(form.text.contains("disk is full") || form.text.contains("out of space") || form.text.contains("no room"), "\(form.text)")
        #expect(page.status == 507 && page.text.contains("<h1>"))
        #expect(tus == "507")
        let spool = try FileManager.default.contentsOfDirectory(atPath: server.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "left in the spool: \(spool)")
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.isEmpty == true)
    }
}

/// Slowloris: clients that dribble their headers or stop sending their body are cut, and real submitters
/// still get through meanwhile.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct SlowClientTests {
    static let script = Paths.repository.appendingPathComponent("Tests/Load/slow_clients.py").path

    /// The script's JSON report (read with `report(_:)` once out of the server's closure).
    static func run(_ port: Int, mode: String, count: Int, seconds: Double) async throws -> Data {
        try await Subprocess.run("/usr/bin/python3", [script, String(port), mode, String(count), String(seconds)]).stdout
    }

    static func report(_ data: Data) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    @Test("a hundred clients dribbling their headers are closed after the header timeout; a real upload still succeeds")
    func slowHeaders() async throws {
        let server = try TestServer()
        let (output, upload) = try await server.run(limits: { $0.headerTimeout = .seconds(1) }) { port in
            // The window leaves room for a loaded machine (a full parallel test run) to accept all 100 late: the
            // timeout runs from accepting, and under load 2 of 100 were once still waiting to be accepted after 8 s.
            // The script stops as soon as all are closed; the median below still shows the 1 s timeout at work.
            async let report = Self.run(port, mode: "headers", count: 100, seconds: 20)
            try await Task.sleep(for: .milliseconds(500))
            let upload = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)])
            return (try await report, upload.status)
        }
        let report = try Self.report(output)
        #expect(upload == 201)
        #expect(report["closed"] as? Int == 100, "\(report)")
        let median = report["median_seconds"] as? Double ?? 99
        #expect(median >= 0.8 && median < 3, "closed after \(median) s")
    }

    @Test("clients that stop sending their body are closed after the body timeout, and their spool files are removed")
    func stalledBodies() async throws {
        let server = try TestServer()
        let (output, upload) = try await server.run(limits: { $0.bodyIdleTimeout = .seconds(1) }) { port in
            async let report = Self.run(port, mode: "body", count: 20, seconds: 10)
            try await Task.sleep(for: .milliseconds(300))
            let upload = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)])
            return (try await report, upload.status)
        }
        let report = try Self.report(output)
        #expect(upload == 201)
        #expect(report["closed"] as? Int == 20, "\(report)")
        let median = report["median_seconds"] as? Double ?? 99
        #expect(median >= 0.8 && median < 3.5, "closed after \(median) s")
        let spool = try FileManager.default.contentsOfDirectory(atPath: server.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "stalled uploads left spool files: \(spool)")
    }

    @Test("an HTTP/1.0 request without keep-alive is closed once answered; an HTTP/1.1 connection stays open for the next request")
    func http10IsClosedAfterItsAnswer() async throws {
        let server = try TestServer()
        let program = """
            import socket, sys, time
            def seconds_open(request):
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.settimeout(5)
                start = time.monotonic()
                s.sendall(request)
                data = b""
                try:
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                except socket.timeout:
                    pass
                return data.split(b"\\r\\n")[0].decode(), round(time.monotonic() - start, 2)
            print(seconds_open(b"GET /healthz HTTP/1.0\\r\\n\\r\\n"))
            print(seconds_open(b"GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"))
            """
        let lines = try await server.run { port in
            try await Subprocess.run("python3", ["-c", program, String(port)]).stdoutText.split(separator: "\n").map(String.init)
        }
        // ('HTTP/1.1 200 OK', seconds until the server closed, or 5 when it kept the connection)
        // Closed at once; 4 s leaves room for a loaded machine and stays below the 5 s a kept connection shows.
        #expect(lines.first?.contains("200 OK") == true && (Double(lines.first?.split(separator: " ").last?.dropLast() ?? "") ?? 99) < 4, "\(lines)")
        #expect(lines.last?.contains("200 OK") == true && (Double(lines.last?.split(separator: " ").last?.dropLast() ?? "") ?? 0) >= 4.9, "\(lines)")
    }

    @Test("idle connections that fill the connection cap give way: /healthz is answered with 100 connections open on a cap of 40")
    func connectionReserve() async throws {
        let server = try TestServer()
        let program = """
            import socket, sys, time
            held = []
            for _ in range(100):
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.sendall(b"GET / HTTP/1.1\\r\\nHost")
                held.append(s)
            time.sleep(float(sys.argv[2]))
            """
        // A server process: the in-process test server runs without the connection cap.
        let process = try await ServerProcess(data: server.data.root, environment: ["EVIDENCE_MAX_CONNECTIONS": "40"])
        async let holding = Subprocess.run("python3", ["-c", program, String(process.port), "6"])
        try await Task.sleep(for: .seconds(2))
        let start = ContinuousClock.now
        let health = try await Subprocess.run("curl", ["-sS", "-m", "20", "http://127.0.0.1:\(process.port)/healthz"]).stdoutText
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        _ = try await holding
        process.signal(SIGTERM)
        _ = try await process.waitForExit(seconds: 20)
        // At once; without the reserve it waits for the 30 s header timeout (curl gives up at 20).
        #expect(health == "ok\n" && seconds < 10, "\(health) after \(seconds) s")
    }

    @Test("headers over the limit are refused without harm")
    func hugeHeaders() async throws {
        let server = try TestServer()
        let (big, normal) = try await server.run(limits: { $0.maxHeaderBytes = 8 * 1024 }) { port in
            (try await Subprocess.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Padding: \(String(repeating: "a", count: 20_000))",
                                               "http://127.0.0.1:\(port)/"]).stdoutText,
             try await Subprocess.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"]).stdoutText)
        }
        #expect(big != "200", "a 20 kB header was accepted")
        #expect(normal == "200")
    }
}

/// Per-source limits without keeping sources: counters keyed by a keyed hash that lives in memory only.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct RateLimitTests {
    @Test("a source over its upload limit gets a readable 429 with Retry-After; another source is not affected")
    func perSource() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (fromTwo, fromThree, page) = try await server.run(limits: { limits in
            limits.uploadsPerSource = 3
            limits.rateLimitsLoopback = true
        }) { port in
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await Upload.send(port: port, files: [photo], from: "127.0.0.2").status) }
            let other = try await Upload.send(port: port, files: [photo], from: "127.0.0.3").status
            let page = try await Subprocess.run("curl", [
                "-sS", "-i", "--interface", "127.0.0.2", "-H", "Accept-Language: kk", "-F", "files=@\(photo.path)",
                "http://127.0.0.1:\(port)/submissions",
            ]).stdoutText
            return (statuses, other, page)
        }
        #expect(fromTwo == [201, 201, 201, 429])
        #expect(fromThree == 201)
        #expect(page.hasPrefix("HTTP/1.1 429") && page.lowercased().contains("retry-after: 600"))
        #expect(page.contains("<html lang=\"kk\">"))
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 4)
    }

    @Test("loopback peers (Tor, a proxy) are not counted unless the operator asks; counters forget with the window")
    func loopbackAndWindow() async throws {
        let limiter = SourceRateLimiter(limit: 2, window: .milliseconds(300))
        let loopback = try SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        let remote = try SocketAddress(ipAddress: "192.0.2.7", port: 4000)
        #expect((0..<10).allSatisfy { _ in limiter.allow(loopback) })
        #expect(limiter.allow(remote) && limiter.allow(remote) && !limiter.allow(remote))
        #expect(limiter.trackedSources == 1)
        try await Task.sleep(for: .milliseconds(350))
        #expect(limiter.allow(remote), "a new window starts with new counters and a new key")
        let strict = SourceRateLimiter(limit: 1, window: .seconds(60), countsLoopback: true)
        #expect(strict.allow(loopback) && !strict.allow(loopback))
    }
}

/// Proof of work: a solved puzzle passes at once; no proof (the no-JavaScript path) waits; forgeries fail.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ProofOfWorkTests {
    /// Finds a nonce for `challenge` the slow, obvious way, as an independent check of the browser's solver.
    static func solve(_ challenge: String, bits: Int) -> String {
        var nonce = 0
        while ProofOfWork.leadingZeroBits(SHA256Hasher.hash(Array("\(challenge):\(nonce)".utf8))) < bits { nonce += 1 }
        return "\(challenge):\(nonce)"
    }

    @Test("a proof is accepted once per use, and forged, expired or too easy proofs are not")
    func acceptance() {
        let work = ProofOfWork(bits: 10, lifetime: 3600, usesPerChallenge: 2)
        let challenge = work.challenge()
        let proof = Self.solve(challenge, bits: 10)
        #expect(work.accept(proof) && work.accept(proof))
        #expect(!work.accept(proof), "a challenge is good for a bounded number of uses")
        let forged = "v1.\(Int(Date().timeIntervalSince1970)).00112233445566778899aabb.00000000000000000000000000000000"
        #expect(!work.accept(Self.solve(forged, bits: 10)), "a challenge the server did not issue")
        let old = work.challenge(now: Date(timeIntervalSinceNow: -7200))
        #expect(!work.accept(Self.solve(old, bits: 10)), "an expired challenge")
        let easy = work.challenge()
        var nonce = 0
        while ProofOfWork.leadingZeroBits(SHA256Hasher.hash(Array("\(easy):\(nonce)".utf8))) != 0 { nonce += 1 }
        #expect(!work.accept("\(easy):\(nonce)"), "a nonce that does not meet the difficulty")
        #expect(!work.accept(nil) && !work.accept("nonsense"))
    }

    @Test("with proof of work on, the form carries a challenge; a solved upload goes at once, one without waits")
    func overHTTP() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (form, quick, slow) = try await server.run(limits: { limits in
            limits.proofOfWorkBits = 12
            limits.proofOfWorkFallbackDelay = .seconds(8)
        }) { port in
            let form = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/"]).stdoutText
            let challenge = form.components(separatedBy: "data-pow-challenge=\"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
            let proof = Self.solve(challenge, bits: 12).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            func timed(_ url: String) async throws -> (Int, Double) {
                let start = Date()
                let status = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", "files=@\(photo.path)", url])
                return (Int(status.stdoutText) ?? 0, Date().timeIntervalSince(start))
            }
            return (form, try await timed("http://127.0.0.1:\(port)/submissions?pow=\(proof)"),
                    try await timed("http://127.0.0.1:\(port)/submissions"))
        }
        #expect(form.contains("id=\"pow-notice\"") && form.contains("data-pow-bits=\"12\""))
        #expect(quick.0 == 201 && quick.1 < 6, "a solved upload took \(quick.1) s")
        #expect(slow.0 == 201 && slow.1 >= 7.9, "an upload without proof took only \(slow.1) s")
    }

    /// The wait is longer than the header timeout here, as the 30 s wait equals it by default: the idle timeout that
    /// cuts slow headers also runs while a body is read, and the body is not read during the wait.
    @Test("with proof of work on, plain form posts of 2 MB and 20 MB (no JavaScript) wait longer than the header timeout and get 201")
    func noJavaScriptPathOutlastsTheIdleTimeout() async throws {
        let server = try TestServer()
        let small = try ServerLimitsTests.wav(in: server.folder, size: 2_000_000)
        let smallFile = server.folder.path("small.wav")
        try FileManager.default.moveItem(at: small, to: smallFile)
        let large = try ServerLimitsTests.wav(in: server.folder, size: 20_000_000)
        let answers = try await server.run(limits: { limits in
            limits.proofOfWorkBits = 20
            limits.headerTimeout = .seconds(2)
            limits.proofOfWorkFallbackDelay = .seconds(4)
        }) { port in
            func timed(_ file: URL) async throws -> (status: String, seconds: Double) {
                let start = Date()
                let status = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", "files=@\(file.path)",
                                                               "http://127.0.0.1:\(port)/submissions"])
                return (status.stdoutText, Date().timeIntervalSince(start))
            }
            async let first = timed(smallFile)
            async let second = timed(large)
            return [try await first, try await second]
        }
        for answer in answers {
            #expect(answer.status == "201" && answer.seconds >= 3.9, "\(answer)")
        }
    }
}
