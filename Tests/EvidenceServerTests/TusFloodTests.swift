import Foundation
import Testing

/// Issue 21, item 6: floods of resumable-upload creations and of tiny PATCHes cost the server little and stop
/// nobody else: no scan per creation, a cap on uploads in progress, creations through the upload gate, and no
/// piece kept for a PATCH too small to be worth a file.
@Suite(.serialized)
struct TusFloodTests {
    static let tus = ["-H", "Tus-Resumable: 1.0.0"]

    /// Median seconds of /healthz answers in `probes` (lines "STATUS SECONDS"), and how many were 200.
    static func median(_ probes: String) -> (seconds: Double, ok: Int) {
        let times = probes.split(separator: "\n").compactMap { line -> Double? in
            let parts = line.split(separator: " ")
            return parts.count == 2 && parts[0] == "200" ? Double(parts[1]) : nil
        }.sorted()
        return (times.isEmpty ? 99 : times[times.count / 2], times.count)
    }

    static func probe(_ port: Int, times: Int) -> String {
        "for i in $(seq 1 \(times)); do curl -sS -o /dev/null -w '%{http_code} %{time_total}\\n' http://127.0.0.1:\(port)/healthz; sleep 0.1; done"
    }

    /// Under 100 ms here alone; the bound also allows for the machine's load when other tests run beside it (the
    /// median of the same probes just before), which a scan per creation (seconds) would still far exceed.
    @Test("5,000 tus creations: /healthz answers meanwhile in under 100 ms at the median (or 4 times its median just before), and no creation gets a 5xx")
    func creationFlood() async throws {
        let server = try TestServer()
        let (statuses, before, health) = try await server.run { port in
            let before = try await Subprocess.run("bash", ["-c", Self.probe(port, times: 20)]).stdoutText
            async let flood = Subprocess.run("bash", ["-c", """
                seq 1 5000 | xargs -P 16 -I N curl -sS -o /dev/null -w '%{http_code}\\n' -X POST \
                  -H 'Tus-Resumable: 1.0.0' -H 'Upload-Length: 1000000' http://127.0.0.1:\(port)/uploads | sort | uniq -c
                """])
            // /healthz every 100 ms while the creations go on.
            let probes = try await Subprocess.run("bash", ["-c", Self.probe(port, times: 60)])
            return (try await flood.stdoutText, before, probes.stdoutText)
        }
        #expect(statuses.trimmingCharacters(in: .whitespacesAndNewlines) == "5000 201", "\(statuses)")
        let (quiet, during) = (Self.median(before), Self.median(health))
        #expect(during.ok == 60, "\(health)")
        #expect(during.seconds < max(0.1, 4 * quiet.seconds), "median /healthz \(during.seconds) s, \(quiet.seconds) s before")
        let made = try FileManager.default.contentsOfDirectory(atPath: server.data.spool.appendingPathComponent("partial").path)
        #expect(made.count == 5000 && made.allSatisfy { !$0.hasPrefix(".") }, "\(made.count) uploads")
    }

    @Test("past the cap on uploads in progress a creation gets 503 with Retry-After; a PATCH too small to end the upload gets 400 and keeps nothing")
    func pendingCapAndTinyPieces() async throws {
        let server = try TestServer()
        let tiny = try server.folder.write("tiny", Data([1]))
        let (codes, refused, patched, head) = try await server.run(limits: { $0.maxPendingUploads = 20 }) { port in
            var codes: [Int] = []
            var location = ""
            for _ in 0..<24 {
                let created = try await TusTests.curl(["-X", "POST"] + Self.tus + ["-H", "Upload-Length: 100000", "http://127.0.0.1:\(port)/uploads"])
                codes.append(created.status)
                if location.isEmpty { location = TusTests.header("Location", in: created.headers) ?? "" }
            }
            let refused = try await TusTests.curl(["-X", "POST"] + Self.tus + ["-H", "Upload-Length: 100000", "http://127.0.0.1:\(port)/uploads"])
            let patched = try await TusTests.curl(
                ["-X", "PATCH"] + Self.tus + ["-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0",
                                              "--data-binary", "@\(tiny.path)", "http://127.0.0.1:\(port)\(location)"])
            let head = try await TusTests.curl(["-I"] + Self.tus + ["http://127.0.0.1:\(port)\(location)"])
            return (codes, refused, patched, head)
        }
        #expect(codes.filter { $0 == 201 }.count == 20 && codes.filter { $0 == 503 }.count == 4, "\(codes)")
        #expect(TusTests.header("Retry-After", in: refused.headers) != nil)
        #expect(patched.status == 400, "\(patched)")
        #expect(TusTests.header("Upload-Offset", in: head.headers) == "0")
        let partial = server.data.spool.appendingPathComponent("partial")
        let pieces = try FileManager.default.contentsOfDirectory(atPath: partial.path).flatMap { id in
            try FileManager.default.contentsOfDirectory(atPath: partial.appendingPathComponent(id).path).filter { $0 != "info.json" }
        }
        #expect(pieces.isEmpty, "\(pieces)")
    }
}
