import EvidenceCrypto
import Foundation
import Testing
@testable import EvidenceCore

/// Scripts/verify_log.py is the independent verifier of docs/TRANSPARENCY-LOG.md: it must accept what Swift produces and refuse alterations.
@Suite struct VerifyLogScriptTests {
    static let pythons = ["python3"] + (FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? ["/usr/bin/python3"] : [])

    let script = logRepositoryRoot.appendingPathComponent("Scripts/verify_log.py").path
    let key = Ed25519PrivateKey.generate()
    let keyName = "evidence.example/log"
    let entries: [[UInt8]] = (0..<13).map { index in
        (try? LogEntry.Exported(fileID: Int64(index), actor: "ed", hour: "2026-11-25T11:00Z")).map { LogEntry.exported($0).encode() } ?? []
    }

    var verifierKey: String { (try? NoteVerifierKey(name: keyName, publicKey: key.publicKey))?.description ?? "" }

    func checkpoint(size: Int) throws -> String {
        let root = try MerkleTree.rootHash(treeSize: size, hashes: ArrayLeafHashReader(entries: entries))
        return try Checkpoint.sign(origin: keyName, size: size, root: root, key: key, keyName: keyName)
    }

    func inclusion(index: Int, size: Int) throws -> [String: Any] {
        let reader = ArrayLeafHashReader(entries: entries)
        return [
            "leaf_index": index, "tree_size": size, "leaf_hash": Hex.encode(reader.hashes[index]),
            "entry": String(decoding: entries[index], as: UTF8.self),
            "audit_path": try MerkleTree.inclusionProof(index: index, treeSize: size, hashes: reader).map(Hex.encode),
            "checkpoint": try checkpoint(size: size),
        ]
    }

    func consistency(from: Int, to: Int) throws -> [String: Any] {
        [
            "from": from, "to": to,
            "proof": try MerkleTree.consistencyProof(from: from, to: to, hashes: ArrayLeafHashReader(entries: entries)).map(Hex.encode),
            "old_checkpoint": try checkpoint(size: from), "new_checkpoint": try checkpoint(size: to),
        ]
    }

    func verify(_ command: String, _ content: Any, python: String = "python3", key: String? = nil) throws -> LogToolResult {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verify-log-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        if let text = content as? String {
            try text.write(to: file, atomically: true, encoding: .utf8)
        } else {
            try JSONSerialization.data(withJSONObject: content).write(to: file)
        }
        return try runLogTool(python, [script, command, "--key", key ?? verifierKey, file.path])
    }

    func expectFailure(_ result: LogToolResult, _ message: String) {
        #expect(result.status == 1, "\(result.standardOutput) \(result.standardError)")
        #expect(result.standardError.hasPrefix("error: ") && result.standardError.contains(message), "\(result.standardError)")
    }

    @Test(arguments: pythons)
    func acceptsSwiftCheckpointsAndProofs(python: String) throws {
        let checked = try verify("checkpoint", try checkpoint(size: 13), python: python)
        #expect(checked.status == 0, "\(checked.standardError)")
        #expect(checked.standardOutput.contains("13 entries"))
        for (index, size) in [(0, 1), (0, 13), (6, 13), (12, 13), (4, 7)] {
            let result = try verify("inclusion", try inclusion(index: index, size: size), python: python)
            #expect(result.status == 0, "\(index)/\(size): \(result.standardError)")
        }
        for (from, to) in [(1, 13), (4, 13), (7, 13), (12, 13), (13, 13), (3, 5)] {
            let result = try verify("consistency", try consistency(from: from, to: to), python: python)
            #expect(result.status == 0, "\(from)/\(to): \(result.standardError)")
        }
    }

    @Test func checksFileHashAgainstEntry() throws {
        var proof = try inclusion(index: 0, size: 3)
        let received = try LogEntry.receivedV1(.init(
            submissionID: 1, fileID: 1, originalSHA256: String(repeating: "a", count: 64), originalSize: 1,
            cleanedSHA256: String(repeating: "b", count: 64), cleanedSize: 1, sealedSHA256: String(repeating: "c", count: 64),
            sealedSize: 1, mediaType: "image/png", hour: "2026-11-25T09:00Z")).encode()
        proof["entry"] = String(decoding: received, as: UTF8.self)
        proof["leaf_hash"] = nil
        proof["sha256"] = String(repeating: "b", count: 64)
        expectFailure(try verify("inclusion", proof), "audit path")
    }

    @Test func rejectsAlteredProofs() throws {
        let good = try inclusion(index: 6, size: 13)
        var flipped = good
        var path = good["audit_path"] as! [String]
        path[1] = (path[1].first == "0" ? "1" : "0") + path[1].dropFirst()
        flipped["audit_path"] = path
        expectFailure(try verify("inclusion", flipped), "audit path does not lead")
        var wrongIndex = good
        wrongIndex["leaf_index"] = 7
        expectFailure(try verify("inclusion", wrongIndex), "audit path does not lead")
        var wrongSize = good
        wrongSize["tree_size"] = 12
        expectFailure(try verify("inclusion", wrongSize), "checkpoint is for 13 entries but the proof for 12")
        var wrongEntry = good
        wrongEntry["entry"] = String(decoding: entries[5], as: UTF8.self)
        expectFailure(try verify("inclusion", wrongEntry), "leaf_hash is not the hash of the entry")

        var badConsistency = try consistency(from: 4, to: 13)
        badConsistency["proof"] = Array((badConsistency["proof"] as! [String]).reversed())
        expectFailure(try verify("consistency", badConsistency), "is not a prefix")
        var swapped = try consistency(from: 4, to: 13)
        swapped["old_checkpoint"] = try checkpoint(size: 5)
        expectFailure(try verify("consistency", swapped), "checkpoints are for 5 and 13")
    }

    @Test func rejectsForgedCheckpoints() throws {
        let text = try checkpoint(size: 13)
        let forgedSize = text.replacingOccurrences(of: "\n13\n", with: "\n14\n")
        expectFailure(try verify("checkpoint", forgedSize), "does not match the checkpoint")
        let otherKey = Ed25519PrivateKey.generate()
        let forged = try Checkpoint.sign(origin: keyName, size: 13, root: Checkpoint.parse(text).rootHash, key: otherKey, keyName: keyName)
        expectFailure(try verify("checkpoint", forged), "no signature by the key")
        var proof = try inclusion(index: 2, size: 13)
        proof["checkpoint"] = forgedSize
        expectFailure(try verify("inclusion", proof), "does not match the checkpoint")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try runLogTool("python3", [script]).status == 2)
        #expect(try verify("checkpoint", try checkpoint(size: 1), key: "nonsense").status == 2)
        #expect(try verify("inclusion", "not json").status == 2)
    }
}
