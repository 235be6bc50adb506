import Foundation
import Testing

/// Issue 21, item 1: a client that sends a byte now and then must not hold an upload place from real submitters.
/// Bodies below a minimum rate are cut at the end of their window, checks against the log have places of their own,
/// and when every place is taken a newcomer takes the place of the slowest upload (`Tests/Load/slow_bodies.py`).
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct SlowBodyTests {
    /// Connections the attackers opened, and how many of them the server closed.
    static func attack(_ port: Int, path: String, count: Int, seconds: Double) async throws -> (opened: Int, closed: Int) {
        let result = try await Subprocess.run("python3", [LoadTests.script("slow_bodies.py"), String(port), path, String(count), String(seconds)])
        let report = LoadTests.object(result.stdout)
        return (report["opened"] as? Int ?? 0, report["closed"] as? Int ?? 0)
    }

    /// Status and seconds of one request.
    static func timed(_ arguments: [String]) async throws -> (status: String, seconds: Double) {
        let start = ContinuousClock.now
        let result = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}"] + arguments)
        let elapsed = ContinuousClock.now - start
        return (result.stdoutText, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    @Test("100 slow bodies on /submissions and 100 on /verify: real uploads get 201 and checks 200, each within seconds")
    func slowBodiesTakeNoPlace() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (answers, attacks) = try await server.run(limits: { limits in
            limits.maxConcurrentUploads = 8
            limits.maxConcurrentVerifications = 4
        }) { port in
            async let submissions = Self.attack(port, path: "/submissions", count: 100, seconds: 20)
            async let verifications = Self.attack(port, path: "/verify", count: 100, seconds: 20)
            // Every place is taken (and 92 and 96 more wait) before the real ones come.
            try await Task.sleep(for: .seconds(4))
            var answers: [(status: String, seconds: Double)] = []
            for _ in 0..<3 {
                answers.append(try await Self.timed(["-F", "files=@\(photo.path)", "http://127.0.0.1:\(port)/submissions"]))
                answers.append(try await Self.timed(["-F", "file=@\(photo.path)", "http://127.0.0.1:\(port)/verify"]))
            }
            return (answers, [try await submissions, try await verifications])
        }
        for (index, answer) in answers.enumerated() {
            #expect(answer.status == (index % 2 == 0 ? "201" : "200"), "answer \(index): \(answer)")
            #expect(answer.seconds < 10, "answer \(index) took \(answer.seconds) s")
        }
        for attack in attacks {
            #expect(attack.opened >= 100, "\(attack)")
            // The real ones took their places from attackers, who were cut.
            #expect(attack.closed >= 3, "\(attack)")
        }
    }

    @Test("a body below the minimum rate is cut at the end of its window; an upload at Tor's 20 KB/s is not")
    func minimumRate() async throws {
        let server = try TestServer()
        let sound = try ServerLimitsTests.wav(in: server.folder, size: 120_000)
        let (attack, tor) = try await server.run(limits: { limits in
            limits.minimumBodyRate = 512
            limits.bodyRateWindow = .seconds(2)
        }) { port in
            async let attack = Self.attack(port, path: "/submissions", count: 10, seconds: 7)
            let tor = try await Self.timed(["--limit-rate", "20K", "-F", "files=@\(sound.path)", "http://127.0.0.1:\(port)/submissions"])
            return (try await attack, tor)
        }
        #expect(tor.status == "201" && tor.seconds > 4, "\(tor)")
        // Each is cut 2 to 4 s after it began, and opened again: at least 10 cut in 7 s.
        #expect(attack.closed >= 10, "\(attack)")
    }
}
