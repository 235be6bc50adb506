import EvidenceCore
import EvidenceCrypto
import Foundation
import TestCorpus
import Testing

/// `verify` must pass on an untouched store and name each kind of tampering.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct StoreVerifierTests {
    /// A store with two submissions, a decision, an export and stored checkpoints.
    static func populated(_ backend: StoreBackend) throws -> (CoreFixture, IngestPipeline, ReviewDesk) {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/GPS.jpg"))], message: nil)
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png"))], message: "x")
        let desk = ReviewDesk(store: pipeline.store, blobs: pipeline.blobs, log: pipeline.log)
        try desk.approve(fileID: 1, note: "ok", actor: "alice")
        try desk.export(fileID: 2, identity: fixture.identity, to: fixture.root.appendingPathComponent("out"), actor: "bob")
        _ = try pipeline.log.checkpoint()
        return (fixture, pipeline, desk)
    }

    static func problems(_ desk: ReviewDesk, _ pipeline: IngestPipeline, identity: X25519PrivateKey? = nil) throws -> [String] {
        try StoreVerifier(desk: desk, log: pipeline.log).run(identity: identity).problems.map(\.description)
    }

    @Test("an untouched store verifies clean, with and without the key", arguments: StoreBackend.all)
    func clean(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let report = try StoreVerifier(desk: desk, log: pipeline.log).run(identity: fixture.identity)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.filesChecked == 2 && report.decryptedChecked == 2)
        // 2 received + 1 reviewed + 1 exported.
        #expect(report.entriesChecked == 4)
        #expect(report.checkpointsChecked >= 2)
    }

    @Test("every state change is logged with the change", arguments: StoreBackend.all)
    func everyChangeLogged(backend: StoreBackend) throws {
        let (_, pipeline, _) = try Self.populated(backend)
        let kinds = try pipeline.store.logEntries().map { $0.text.split(separator: "\n")[1] }
        #expect(kinds == ["kind received", "kind received", "kind reviewed", "kind exported"])
    }

    @Test("a flipped byte in a sealed blob is named", arguments: StoreBackend.all)
    func flippedBlobByte(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let file = try pipeline.store.file(id: 1)
        let url = fixture.folder.blobs.appendingPathComponent(file.blobKey)
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[bytes.count / 2] ^= 0x20
        try Data(bytes).write(to: url)
        let found = try Self.problems(desk, pipeline, identity: fixture.identity)
        #expect(found.contains { $0.hasPrefix("file 1: its sealed blob's SHA-256") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("file 1: does not decrypt") }, "\(found)")
    }

    @Test("blobs are read several at once, yet each tampered one is named under its own file, in file order", arguments: StoreBackend.all)
    func tamperedBlobsInOrder(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        for _ in 0..<4 { _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png"))], message: nil) }
        _ = try pipeline.log.checkpoint()
        for id: Int64 in [5, 2] {
            let url = fixture.folder.blobs.appendingPathComponent(try pipeline.store.file(id: id).blobKey)
            var bytes = try [UInt8](Data(contentsOf: url))
            bytes[bytes.count - 1] ^= 0x01
            try Data(bytes).write(to: url)
        }
        let found = try Self.problems(desk, pipeline)
        #expect(found.count == 2 && found[0].hasPrefix("file 2: its sealed blob's SHA-256") && found[1].hasPrefix("file 5: its sealed blob's SHA-256"), "\(found)")
    }

    @Test("a sealed blob whose size differs from the recorded one is named", arguments: StoreBackend.all)
    func blobSize(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let file = try pipeline.store.file(id: 1)
        try fixture.sql("UPDATE file SET sealed_size = ? WHERE id = 1", [file.sealedSize + 1])
        let found = try Self.problems(desk, pipeline)
        #expect(found.contains("file 1: its sealed blob is \(file.sealedSize) bytes, but \(file.sealedSize + 1) were recorded"), "\(found)")
    }

    @Test("a deleted blob is named", arguments: StoreBackend.all)
    func deletedBlob(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        try FileManager.default.removeItem(at: fixture.folder.blobs.appendingPathComponent(try pipeline.store.file(id: 2).blobKey))
        #expect(try Self.problems(desk, pipeline).contains { $0.hasPrefix("file 2: its sealed blob") && $0.hasSuffix("is missing") })
    }

    @Test("an edited commitment in the files table is named", arguments: StoreBackend.all)
    func editedCommitment(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        try fixture.sql("UPDATE file SET original_commitment = ? WHERE id = 1", [String(repeating: "a", count: 64)])
        #expect(try Self.problems(desk, pipeline).contains { $0.hasPrefix("file 1: original commitment in the database") })
    }

    @Test("sealed facts forged, swapped between files or damaged are named with the key", arguments: StoreBackend.all)
    func tamperedFacts(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let one = try pipeline.store.file(id: 1)
        let two = try pipeline.store.file(id: 2)
        var forged = try #require(try one.opened(with: fixture.identity).facts)
        forged.cleanedSHA256 = String(repeating: "b", count: 64)
        // Anyone can seal to the reviewers' public keys: a forgery opens, but it no longer matches the log.
        try fixture.sql("UPDATE file SET sealed_facts = ? WHERE id = 1", [try forged.sealed(to: [fixture.identity.publicKey])])
        try fixture.sql("UPDATE file SET sealed_facts = ? WHERE id = 2", [Data(one.sealedFacts)])
        #expect(try Self.problems(desk, pipeline).isEmpty, "without the key the facts cannot be checked")
        let found = try Self.problems(desk, pipeline, identity: fixture.identity)
        #expect(found.contains { $0.hasPrefix("file 1: cleaned commitment from its sealed facts") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("file 1: decrypts to SHA-256") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("file 2: original commitment from its sealed facts") }, "\(found)")
        var damaged = [UInt8](two.sealedFacts)
        damaged[damaged.count - 5] ^= 1
        try fixture.sql("UPDATE file SET sealed_facts = ? WHERE id = 2", [Data(damaged)])
        let again = try Self.problems(desk, pipeline, identity: fixture.identity)
        #expect(again.contains { $0.hasPrefix("file 2: its sealed facts do not open") }, "\(again)")
    }

    @Test("a status edited without a log entry is named", arguments: StoreBackend.all)
    func editedStatus(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        try fixture.sql("UPDATE file SET status = 'approved' WHERE id = 2")
        #expect(try Self.problems(desk, pipeline) == ["file 2: status is 'approved' but the log says 'pending' (changed without a log entry)"])
    }

    @Test("a removed log entry is named", arguments: StoreBackend.all)
    func removedEntry(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        try fixture.sql("DELETE FROM log_entry WHERE leaf_index = 2")
        let found = try Self.problems(desk, pipeline)
        #expect(found.contains("log entry 2: missing: the log has a gap (entries were removed)"), "\(found)")
    }

    @Test("a rewritten log entry is caught by the signed checkpoints even when its leaf hash is recomputed", arguments: StoreBackend.all)
    func rewrittenEntry(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let original = try #require(try pipeline.store.logEntries(2..<3).first)
        let forged = Array(original.text.replacingOccurrences(of: "reason ok", with: "reason no").utf8)
        #expect(forged != original.bytes)
        try fixture.sql("UPDATE log_entry SET entry = ?, leaf_hash = ? WHERE leaf_index = 2",
            [Data(forged), Data(MerkleTree.leafHash(forged))])
        let found = try Self.problems(desk, pipeline)
        #expect(found.contains { $0.hasSuffix("its root hash does not match the log's entries (entries were rewritten)") }, "\(found)")
    }

    @Test("a rewritten entry is named by exactly the checkpoints that include it, and the interior hashes above it, and no others", arguments: StoreBackend.all)
    func rewrittenEntryEveryCheckpoint(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let sizes = try pipeline.store.storedCheckpoints().map(\.size)
        #expect(sizes.contains { $0 <= 2 } && sizes.contains { $0 > 2 })
        let original = try #require(try pipeline.store.logEntries(2..<3).first)
        let forged = Array(original.text.replacingOccurrences(of: "reason ok", with: "reason no").utf8)
        try fixture.sql("UPDATE log_entry SET entry = ?, leaf_hash = ? WHERE leaf_index = 2",
            [Data(forged), Data(MerkleTree.leafHash(forged))])
        let size = try pipeline.store.logSize()
        let above = (1...).prefix { (2 >> $0 + 1) << $0 <= size }.map {
            "log subtree level \($0) index \(2 >> $0): its stored interior hash does not match the entries below it"
        }
        #expect(!above.isEmpty)
        #expect(try Self.problems(desk, pipeline) == sizes.filter { $0 > 2 }.map {
            "checkpoint of size \($0): its root hash does not match the log's entries (entries were rewritten)"
        } + above)
    }

    @Test("entries removed from the end are named by every checkpoint beyond them", arguments: StoreBackend.all)
    func removedLastEntry(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let sizes = try pipeline.store.storedCheckpoints().map(\.size)
        #expect(sizes.last == 4)
        try fixture.sql("DELETE FROM log_entry WHERE leaf_index = 3")
        #expect(try Self.problems(desk, pipeline) == sizes.filter { $0 > 3 }.map {
            "checkpoint of size \($0): the log now has only 3 entries (entries were removed)"
        })
    }

    @Test("a forged checkpoint is named", arguments: StoreBackend.all)
    func forgedCheckpoint(backend: StoreBackend) throws {
        let (fixture, pipeline, desk) = try Self.populated(backend)
        let size = try pipeline.store.logSize()
        let note = try #require(try pipeline.store.storedCheckpoint(size: size))
        let other = Ed25519PrivateKey.generate()
        let parsed = try Checkpoint.parse(note)
        let forged = try Checkpoint.sign(origin: parsed.origin, size: size, root: [UInt8](repeating: 7, count: 32), key: other, keyName: pipeline.log.origin)
        try fixture.sql("UPDATE checkpoint SET signed_note = ? WHERE tree_size = ?", [forged, size])
        let found = try Self.problems(desk, pipeline)
        #expect(found.contains { $0.hasPrefix("checkpoint of size \(size): its signature does not verify") }, "\(found)")
    }
}
