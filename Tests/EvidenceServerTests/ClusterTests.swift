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

    @Test("200 concurrent submissions over two nodes: one gap-free log, every receipt's proof verifies against the latest checkpoint from either node, verify passes")
    func twoNodes() async throws {
        let first = try TestServer()
        // The second node's folder holds the same keys: reviewers' public keys, the receipt-code key and the log
        // signing key (README: "Several nodes"); its spool and crash journal are its own.
        let secondRoot = first.folder.path("node-b")
        try FileManager.default.copyItem(at: first.data.root, to: secondRoot)
        let environment = ["EVIDENCE_STORE": try PostgresTestServer.freshDatabaseURL(), "EVIDENCE_BLOBS": try await S3TestServer.s3URL()]
        let nodeA = try await ServerProcess(data: first.data.root, environment: environment)
        let nodeB = try await ServerProcess(data: secondRoot, environment: environment)
        let ports = [nodeA.port, nodeB.port]
        for node in [nodeA, nodeB] { #expect(node.text.contains("metadata in postgres://evidence@"), "\(node.text)") }
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
        for (number, receipt) in receipts.enumerated() {
            let index = receipt.files[0].logIndex
            let proof = try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(ports[(number + 1) % 2])/log/proof?index=\(index)"])
            let file = work.appendingPathComponent("\(index).json")
            try proof.stdout.write(to: file)
            let object = try JSONSerialization.jsonObject(with: proof.stdout) as? [String: Any]
            if object?["checkpoint"] as? String != checkpointA { failed.append("\(index): not against the latest checkpoint") }
            let checked = try await Subprocess.run("python3", [LogRoutesTests.verifier, "inclusion", "--key", key, file.path])
            if checked.status != 0 { failed.append("\(index): \(checked.stdoutText) \(checked.stderr)") }
        }
        #expect(failed.isEmpty, "\(failed.prefix(5))")

        nodeA.signal(SIGTERM)
        nodeB.signal(SIGTERM)
        _ = try await nodeA.waitForExit(seconds: 30)
        _ = try await nodeB.waitForExit(seconds: 30)
        // The reviewer's verify over the shared database and bucket: every sealed file and the whole log.
        let verified = try await first.review(
            ["verify", "--key", first.keyFile.path, "--store", environment["EVIDENCE_STORE"]!, "--blobs", environment["EVIDENCE_BLOBS"]!])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
        #expect(verified.stdoutText.contains("\(Self.submissions)"), "\(verified.stdoutText)")
    }
}
