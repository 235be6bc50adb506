import EvidenceCore
import Foundation
import PostgresTestSupport
import S3TestSupport
import Testing

/// Two `evidence-drop serve` nodes on one PostgreSQL database and one S3 bucket, as a deployment behind a load
/// balancer runs them: submissions go to either node, and the log stays one tree that both sign and prove.
@Suite(
    .enabled(if: PostgresTestServer.isAvailable, "no PostgreSQL: install Debian's postgresql, or run Scripts/test.sh"),
    .enabled(if: S3TestServer.isAvailable, Comment(rawValue: S3TestServer.unavailableReason)),
    .enabled(if: Paths.hasCorpus, "../shared/corpus is absent"),
    .serialized)
struct ClusterTests {
    static let submissions = 200

    /// Two serve processes on a fresh database and the test bucket (their environment names both). The second node's
    /// folder holds the first's keys: reviewers' public keys, the receipt-code key and the log signing key (README,
    /// "What every node shares"); its spool and crash journal are its own.
    static func twoNodes() async throws -> (TestServer, [String: String], ServerProcess, ServerProcess) {
        let first = try TestServer()
        let secondRoot = first.folder.path("node-b")
        try FileManager.default.copyItem(at: first.data.root, to: secondRoot)
        let environment = ["EVIDENCE_STORE": try PostgresTestServer.freshDatabaseURL(), "EVIDENCE_BLOBS": try await S3TestServer.s3URL()]
        let nodeA = try await ServerProcess(data: first.data.root, environment: environment)
        let nodeB = try await ServerProcess(data: secondRoot, environment: environment)
        return (first, environment, nodeA, nodeB)
    }

    @Test("200 concurrent submissions over two nodes: one gap-free log, every receipt's proof verifies against the latest checkpoint from either node, verify passes")
    func twoNodes() async throws {
        let (first, environment, nodeA, nodeB) = try await Self.twoNodes()
        let ports = [nodeA.port, nodeB.port]
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)

        // Sixteen at a time, alternating between the nodes.
        let answers = try await withThrowingTaskGroup(of: Upload.Answer.self) { group in
            var answers: [Upload.Answer] = []
            for index in 0..<Self.submissions {
                if index >= 16, let answer = try await group.next() { answers.append(answer) }
                group.addTask { try await Upload.send(port: ports[index % 2], files: [photo]) }
            }
            for try await answer in group { answers.append(answer) }
            return answers
        }
        #expect(answers.allSatisfy { $0.status == 201 }, "\(Set(answers.map(\.status)))")
        let receipts = answers.compactMap(\.receipt)
        #expect(receipts.count == Self.submissions)

        // One tree: the received entries have distinct indexes and fill 0..<200 with no gap and no fork.
        let indexes = receipts.flatMap { $0.files.map(\.logIndex) }.sorted()
        #expect(indexes == Array(0..<Self.submissions))
        // Both nodes sign the same tree with the same key: their latest checkpoints are the same note.
        let checkpointA = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(nodeA.port)/log/checkpoint"]).stdoutText
        let checkpointB = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(nodeB.port)/log/checkpoint"]).stdoutText
        #expect(checkpointA == checkpointB && checkpointA.contains("\n\(Self.submissions)\n"), "\(checkpointA)\n\(checkpointB)")

        // Every receipt's entry, proved by the node that did not take it, against the latest checkpoint, checked by
        // the independent verifier.
        let key = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(nodeA.port)/log/key"]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let work = first.folder.path("proofs")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        var failed: [String] = []
        var files: [String] = []
        for (number, receipt) in receipts.enumerated() {
            let index = receipt.files[0].logIndex
            let proof = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(ports[(number + 1) % 2])/log/proof?index=\(index)"])
            let file = work.appendingPathComponent("\(index).json")
            try proof.stdout.write(to: file)
            files.append(file.path)
            let object = try JSONSerialization.jsonObject(with: proof.stdout) as? [String: Any]
            if object?["checkpoint"] as? String != checkpointA { failed.append("\(index): not against the latest checkpoint") }
        }
        #expect(failed.isEmpty, "\(failed.prefix(5))")
        let checked = try await Subprocess.run("python3", [LogRoutesTests.verifier, "inclusion", "--key", key] + files)
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdoutText.split(separator: "\n").filter { $0.hasPrefix("ok: entry ") }.count == Self.submissions)

        nodeA.signal(SIGTERM)
        nodeB.signal(SIGTERM)
        _ = try await nodeA.waitForExit(seconds: 30)
        _ = try await nodeB.waitForExit(seconds: 30)
        // What each node printed on start (flushed at exit: its output is a pipe): the store, never its password.
        for node in [nodeA, nodeB] { #expect(node.text.contains("metadata in postgres://evidence@"), "\(node.text)") }
        // The reviewer's verify over the shared database and bucket: every sealed file and the whole log.
        let verified = try await first.review(
            ["verify", "--key", first.keyFile.path, "--store", environment["EVIDENCE_STORE"]!, "--blobs", environment["EVIDENCE_BLOBS"]!])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        #expect(verified.stdoutText.contains("\(Self.submissions)"), "\(verified.stdoutText)")
    }

    @Test("resumable uploads begun on one node continue and finish on the other, one and eight at once; their pieces sit in the bucket, not in a spool")
    func resumableAcrossNodes() async throws {
        let (first, environment, nodeA, nodeB) = try await Self.twoNodes()
        let source = Paths.corpusFile(EndToEndTests.cameraJPEG)
        let bytes = try Data(contentsOf: source)
        let half = bytes.count / 2
        let firstHalf = try first.folder.write("first", bytes.prefix(half))
        let secondHalf = try first.folder.write("second", bytes.dropFirst(half))
        let tus = ["-H", "Tus-Resumable: 1.0.0", "-H", "Expect:"]
        let patch = ["-X", "PATCH"] + tus + ["-H", "Content-Type: application/offset+octet-stream"]
        let a = "http://127.0.0.1:\(nodeA.port)", b = "http://127.0.0.1:\(nodeB.port)"

        let created = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(bytes.count)", "\(a)/uploads"])
        let location = try #require(TusTests.header("Location", in: created.headers))
        let firstPatch = try await TusTests.curl(patch + ["-H", "Upload-Offset: 0", "--data-binary", "@\(firstHalf.path)", a + location])
        #expect(firstPatch.status == 204)
        // Node A's spool holds nothing of it: the piece is in the bucket.
        let partialA = first.data.spool.appendingPathComponent("partial")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: partialA.path))?.isEmpty ?? true)
        let state = try await TusTests.curl(["-I"] + tus + [b + location])
        #expect(state.status == 200 && TusTests.header("Upload-Offset", in: state.headers) == "\(half)", "\(state.headers)")
        let secondPatch = try await TusTests.curl(patch + ["-H", "Upload-Offset: \(half)", "--data-binary", "@\(secondHalf.path)", b + location])
        #expect(secondPatch.status == 204 && TusTests.header("Upload-Offset", in: secondPatch.headers) == "\(bytes.count)")
        // The form goes to node A again; the receipt names the file as sent.
        let answer = try await Subprocess.run("curl", ["-sS", "-H", "Accept: application/json", "-F", "upload=\(a + location)", "\(a)/submissions"])
        let receipt = try JSONDecoder().decode(Receipt.self, from: answer.stdout)
        let expected = String(try await Subprocess.run("sha256sum", [source.path]).stdoutText.prefix(64))
        #expect(receipt.files.first?.originalSHA256 == expected)
        // Taken once: node B cannot hand the same upload in again.
        let again = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-F", "upload=\(b + location)", "\(b)/submissions"])
        #expect(again.stdoutText == "400")

        // Eight more at once, each split over the two nodes the other way round: no node waits on another's upload.
        let concurrent = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let created = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(bytes.count)", "\(b)/uploads"])
                    guard let location = TusTests.header("Location", in: created.headers) else { return nil }
                    _ = try await TusTests.curl(patch + ["-H", "Upload-Offset: 0", "--data-binary", "@\(firstHalf.path)", b + location])
                    _ = try await TusTests.curl(patch + ["-H", "Upload-Offset: \(half)", "--data-binary", "@\(secondHalf.path)", a + location])
                    let answer = try await Subprocess.run(
                        "curl", ["-sS", "-m", "60", "-H", "Accept: application/json", "-F", "upload=\(b + location)", "\(b)/submissions"])
                    return (try? JSONDecoder().decode(Receipt.self, from: answer.stdout))?.files.first?.originalSHA256
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(concurrent == Array(repeating: expected, count: 8), "\(concurrent)")

        nodeA.signal(SIGTERM)
        nodeB.signal(SIGTERM)
        _ = try await nodeA.waitForExit(seconds: 30)
        _ = try await nodeB.waitForExit(seconds: 30)
        // The reviewer names the shared store and bucket in the config file instead of options.
        let config = try first.folder.write("config.json", try JSONSerialization.data(withJSONObject: [
            "store": environment["EVIDENCE_STORE"]!, "blobs": environment["EVIDENCE_BLOBS"]!,
        ]))
        let verified = try await first.review(["verify", "--key", first.keyFile.path], environment: ["EVIDENCE_REVIEW_CONFIG": config.path])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        let listed = try await first.review(["list", "--json", "--key", first.keyFile.path], environment: ["EVIDENCE_REVIEW_CONFIG": config.path])
        let rows = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]] ?? []
        #expect(rows.count == 9 && rows.allSatisfy { $0["original_sha256"] as? String == expected })
    }
}
