import Foundation
import Testing

/// The anonymity scan after the fault paths: submitters from 127.0.0.1, .2 and .3 who are accepted (also slowly),
/// refused (wrong type, too large, malformed or oversized head), cut off (slow head, stalled or truncated body,
/// abandoned tus upload), who check a file on /verify or add to a submission on /status, each with their own
/// User-Agent, Referer and file name: none of it may be found in any byte or file name of the data folder, the temp
/// folder or the server's trace-level log. (`LoadTests` runs the same scan after the load, which also takes the busy
/// path, 503, many times over.)
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct AnonymityScanTests {
    /// One submitter: an address, and a User-Agent, Referer and file names built around a random token.
    struct Submitter {
        let address: String
        let token: String
        var agent: String { "FaultAgent/\(token) (anonymity scan)" }
        var referer: String { "http://\(token).referer.invalid/form" }
        func name(_ n: Int, _ ext: String) -> String { "secret-name-\(token)-\(n).\(ext)" }

        /// curl from this submitter; `files` are (path, field); the multipart file name is replaced by ours.
        func curl(_ port: Int, _ path: String, files: [(URL, String)] = [], fields: [String: String] = [:], extra: [String] = []) async throws -> (status: String, body: String) {
            var arguments = ["-sS", "--interface", address, "-A", agent, "-e", referer, "-H", "Accept: application/json", "-w", "\n%{http_code}"]
            for (n, (file, field)) in files.enumerated() {
                arguments += ["-F", "\(field)=@\(file.path);filename=\(name(n, file.pathExtension))"]
            }
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) { arguments += ["--form-string", "\(field)=\(value)"] }
            let result = try await Subprocess.run("curl", arguments + extra + ["http://127.0.0.1:\(port)\(path)"])
            let text = result.stdoutText
            let status = text.split(separator: "\n").last.map(String.init) ?? ""
            return (status, String(text.dropLast(status.count)))
        }
    }

    @Test("no address, User-Agent, Referer or file name of accepted, refused, cut-off or checking submitters is found anywhere")
    func faultPaths() async throws {
        let server = try TestServer()
        let client = server.folder.path("client")
        try FileManager.default.createDirectory(at: client, withIntermediateDirectories: true)
        let marker = try server.folder.write("client/marker", Data())
        let run = "as" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let one = Submitter(address: "127.0.0.1", token: "\(run)-one")
        let two = Submitter(address: "127.0.0.2", token: "\(run)-two")
        let three = Submitter(address: "127.0.0.3", token: "\(run)-three")
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let pdf = Paths.corpusFile("exiftool/t/images/PDF.pdf")
        let big = server.folder.path("big.wav")
        try FileManager.default.moveItem(at: try ServerLimitsTests.wav(in: server.folder, size: 1_500_000), to: big)
        let slowUpload = try ServerLimitsTests.wav(in: server.folder, size: 900_000)

        let outcomes = try await server.run(limits: { limits in
            limits.maxFileBytes = 1_000_000
            // Hummingbird's idle timeout (the header timeout) also runs while a body is read and the handler is
            // slow to take it: at 2 s, an upload on a machine loaded by the parallel suite was sometimes cut after
            // its 100 Continue. 5 s still closes the slow head long before its client gives up (15 s).
            limits.headerTimeout = .seconds(5)
            limits.bodyIdleTimeout = .seconds(5)
        }) { port -> [String: String] in
            var outcomes: [String: String] = [:]
            let accepted = try await two.curl(port, "/submissions", files: [(photo, "files")], fields: ["message": "seen at \(two.token)"])
            outcomes["accepted"] = accepted.status
            let code = (try? JSONSerialization.jsonObject(with: Data(accepted.body.utf8)) as? [String: Any])?["code"] as? String ?? ""
            outcomes["wrong type"] = try await three.curl(port, "/submissions", files: [(pdf, "files")]).status
            // The PDF refuses only itself: its name goes back in the answer, and must be found nowhere else.
            outcomes["photo beside wrong type"] = try await three.curl(port, "/submissions", files: [(photo, "files"), (pdf, "files")]).status
            outcomes["too large"] = try await two.curl(port, "/submissions", files: [(big, "files")]).status
            outcomes["slow but whole"] = try await one.curl(port, "/submissions", files: [(slowUpload, "files")], extra: ["--limit-rate", "300K"]).status
            outcomes["verify a file"] = try await three.curl(port, "/verify", files: [(photo, "file")]).status
            outcomes["add, wrong code"] = try await two.curl(port, "/status/add", files: [(photo, "files")], fields: ["code": "12345-12345-12345-12345-12345"]).status
            outcomes["add, right code"] = try await three.curl(port, "/status/add", files: [(photo, "files")], fields: ["code": code]).status
            outcomes["status, wrong code"] = try await one.curl(port, "/status", fields: ["code": "00000-00000-00000-00000-00000"]).status
            outcomes["form page"] = try await two.curl(port, "/?lang=ru").status
            let raw = try await Subprocess.run("/usr/bin/python3", [
                LoadTests.script("fault_clients.py"), String(port), three.address, three.agent, three.referer, three.name(9, "jpg"), photo.path,
            ])
            for (fault, outcome) in (try? JSONSerialization.jsonObject(with: raw.stdout) as? [String: String]) ?? [:] {
                outcomes[fault] = outcome
            }
            return outcomes
        }
        #expect(outcomes["accepted"] == "201" && outcomes["slow but whole"] == "201" && outcomes["add, right code"] != "404", "\(outcomes)")
        #expect(outcomes["wrong type"] == "415" && outcomes["too large"] == "413" && outcomes["photo beside wrong type"] == "201", "\(outcomes)")
        #expect(outcomes["slow-header"] == "closed" && outcomes["stalled-body"] == "closed" && outcomes["tus-abandoned"] == "204", "\(outcomes)")
        #expect(outcomes["truncated-body"] != "201" && outcomes["huge-header"] != "200", "\(outcomes)")

        let needles = client.appendingPathComponent("needles.json")
        try JSONSerialization.data(withJSONObject: ["needles": [
            "anchors": [run, "faultagent", "secret-name-", "127.0.0.2", "127.0.0.3"], "data_only_anchors": ["127.0.0.1"], "run_anchors": [run],
        ]]).write(to: needles)
        let scan = try await LoadTests.scanForTraces(server, needles: needles, since: marker, excluding: client)
        let report = LoadTests.object(scan.stdout)
        #expect(scan.status == 0, "traces of the submitters found: \(report["hits"] ?? scan.stderr)")

        // Nothing of the refused or cut-off uploads was kept: four records (the accepted and the slow upload, the
        // photo beside the PDF, and the file added with the right code), an empty spool.
        let listed = try await server.review(["list", "--status", "all", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 4, "\(listed.stdoutText)")
        let spool = try FileManager.default.subpathsOfDirectory(atPath: server.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "left in the spool: \(spool)")
    }

    @Test("the scan finds needles in bytes, across its read blocks, in file names and in any case, and allows the loopback address only in the server's own lines")
    func scannerFinds() async throws {
        let folder = try TestFolder()
        let data = folder.path("data")
        try FileManager.default.createDirectory(at: data.appendingPathComponent("blobs"), withIntermediateDirectories: true)
        // A needle across the 16 MiB boundary between two read blocks.
        var large = Data(count: 16 * 1024 * 1024 - 4)
        large.append(Data("needle-across".utf8))
        _ = try folder.write("data/blobs/large", large)
        _ = try folder.write("data/upper", Data("x NEEDLE-UPPER x".utf8))
        _ = try folder.write("data/blobs/needle-in-name", Data("nothing".utf8))
        _ = try folder.write("data/address", Data("from 127.0.0.1".utf8))
        let log = try folder.write("server.log", Data("info Server started and listening on 127.0.0.1:8080\nclient 127.0.0.1 said hi\n".utf8))
        let result = try await LoadTests.python("anonymity_scan.py", [
            "--needle", "needle-across", "--needle", "needle-upper", "--needle", "needle-in", "--data-needle", "127.0.0.1",
            "--data", data.path, "--output", log.path, "--allow", LoadTests.allowedAddressLines,
        ])
        let report = LoadTests.object(result.stdout)
        let hits = (report["hits"] as? [[String: Any]] ?? []).map { "\(($0["path"] as? String ?? "").split(separator: "/").last ?? ""):\($0["needle"] ?? "")" }
        #expect(result.status == 1)
        #expect(Set(hits) == ["large:needle-across", "upper:needle-upper", "needle-in-name:needle-in", "address:127.0.0.1", "server.log:127.0.0.1"], "\(hits)")
        #expect((report["allowed"] as? [Any])?.count == 1, "the listening line is allowed, the client line is not")
    }
}
