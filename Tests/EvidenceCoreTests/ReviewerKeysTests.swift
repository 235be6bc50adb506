import EvidenceCore
import EvidenceCrypto
import Foundation
import TestCorpus
import Testing

/// Reviewer keys on a store built by the test: which keys new files are sealed to, and grants of older files.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct ReviewerKeysTests {
    /// A store on `backend` with one reviewer key, its pipeline and its keys.
    struct Setup {
        let fixture: CoreFixture
        let pipeline: IngestPipeline
        let keys: ReviewerKeys
        let second = X25519PrivateKey.generate()

        init(_ backend: StoreBackend) throws {
            fixture = try CoreFixture(backend)
            pipeline = try fixture.pipeline()
            keys = try ReviewerKeys(desk: try fixture.desk())
        }
    }

    @Test("the same pipeline seals to keys added and not to keys revoked after it was built", arguments: StoreBackend.all)
    func pipelineFollowsRecipients(backend: StoreBackend) throws { try Setup(backend).pipelineFollowsRecipients() }

    @Test("a grant re-wraps both copies, the message and the notes; the old blobs go, and verify holds", arguments: StoreBackend.all)
    func grantEverything(backend: StoreBackend) throws { try Setup(backend).grantEverything() }

    @Test("a grant of a sealed copy that differs from its record changes nothing and leaves no blob behind", arguments: StoreBackend.all)
    func damagedCopyIsNotGranted(backend: StoreBackend) throws { try Setup(backend).damagedCopyIsNotGranted() }

    @Test("only a key that opens the file can grant it, and only to an active key", arguments: StoreBackend.all)
    func grantRefusals(backend: StoreBackend) throws { try Setup(backend).grantRefusals() }

    @Test("verify names a 'granted' entry that does not follow from the hash before it", arguments: StoreBackend.all)
    func brokenGrantChain(backend: StoreBackend) throws { try Setup(backend).brokenGrantChain() }

    @Test("list joins recipients/ with the records; a hand-copied key is active with unknown origin", arguments: StoreBackend.all)
    func listing(backend: StoreBackend) throws { try Setup(backend).listing() }

    @Test("a name finds its key's fingerprint only when exactly one unrevoked key is recorded under it", arguments: StoreBackend.all)
    func fingerprintByName(backend: StoreBackend) throws { try Setup(backend).fingerprintByName() }

    @Test("add and revoke refuse what would be wrong: twice, a revoked key, the last key, an unknown key", arguments: StoreBackend.all)
    func keyRefusals(backend: StoreBackend) throws { try Setup(backend).keyRefusals() }
}

extension ReviewerKeysTests.Setup {
    func ingest(_ corpusFile: String, message: String? = nil, keepOriginal: Bool = false) throws {
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes(corpusFile))], message: message, keepOriginals: keepOriginal)
    }

    func recipients(ofFile id: Int64, original: Bool = false) throws -> [String] {
        let file = try keys.desk.store.file(id: id)
        let key = try #require(original ? file.originalBlobKey : file.blobKey)
        let header = try keys.desk.blobs.openReader(key).read(maxLength: 4096)
        return try SealedFileReader.recipientFingerprints(ofHeader: header)
    }

    func decrypt(_ blobKey: String, with identity: X25519PrivateKey) throws -> String {
        let input = try keys.desk.blobs.openReader(blobKey)
        let reader = SealedFileReader(identity: identity)
        let hasher = SHA256Hasher()
        while true {
            let block = try input.read(maxLength: 65536)
            if block.isEmpty { break }
            hasher.update(try reader.update(block))
        }
        hasher.update(try reader.finish())
        return Hex.encode(hasher.finalize())
    }

    func pipelineFollowsRecipients() throws {
        let first = fixture.identity.publicKey.fingerprint
        try ingest("exiftool/t/images/GPS.jpg")
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        try ingest("exiftool/t/images/PNG.png")
        try keys.revoke(fingerprint: first, actor: "alice")
        try ingest("exiftool/t/images/GPS.jpg")
        #expect(try recipients(ofFile: 1) == [first])
        #expect(try Set(recipients(ofFile: 2)) == [first, second.publicKey.fingerprint])
        #expect(try recipients(ofFile: 3) == [second.publicKey.fingerprint])
        #expect(try pipeline.currentRecipients() == [second.publicKey])
    }

    func grantEverything() throws {
        try ingest("exiftool/t/images/GPS.jpg", message: "the bridge, 9 pm", keepOriginal: true)
        try keys.desk.addNote("blur the faces", fileID: 1, actor: "alice")
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        let before = try keys.desk.store.file(id: 1)
        let blobsBefore = fixture.files(under: fixture.folder.blobs)

        try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: fixture.identity, actor: "alice [sha256:x]")

        let after = try keys.desk.store.file(id: 1)
        #expect(after.blobKey != before.blobKey && after.originalBlobKey != before.originalBlobKey)
        #expect(after.sealedSize == before.sealedSize + 99 && after.originalSealedSize == before.originalSealedSize.map { $0 + 99 })
        let facts = try #require(try before.opened(with: fixture.identity).facts)
        #expect(try decrypt(after.blobKey, with: second) == facts.cleanedSHA256)
        #expect(try decrypt(try #require(after.originalBlobKey), with: second) == facts.originalSHA256)
        // The file's sealed facts are granted with it, and still open with the first key.
        #expect(try after.opened(with: second).facts == facts)
        #expect(try after.opened(with: fixture.identity).facts == facts)
        #expect(throws: SealedFileError.self) { try before.opened(with: second) }
        #expect(try keys.desk.message(submissionID: 1, identity: second) == "the bridge, 9 pm")
        #expect(try keys.desk.notes(submissionID: 1, identity: second).map(\.text) == ["blur the faces"])
        // The old blobs are gone and nothing else was left behind.
        let blobsAfter = fixture.files(under: fixture.folder.blobs)
        #expect(blobsAfter.count == blobsBefore.count)
        #expect(!blobsAfter.contains(before.blobKey) && !blobsAfter.contains(before.originalBlobKey!))
        let custody = try #require(try keys.desk.store.custody(fileID: 1).last)
        #expect(custody.action == "granted" && custody.detail == second.publicKey.fingerprint && custody.actor == "alice [sha256:x]")
        let granted = try keys.desk.store.logEntries(fileID: 1).map(\.text).filter { $0.contains("\nkind granted\n") }
        #expect(granted.count == 2)
        #expect(granted[0].contains("copy cleaned\nprevious-sealed-sha256 \(before.sealedSHA256)\nsealed-sha256 \(after.sealedSHA256)\n"))
        for identity in [fixture.identity, second] {
            let report = try StoreVerifier(desk: keys.desk, log: pipeline.log).run(identity: identity)
            #expect(report.problems.isEmpty, "\(report.problems)")
            #expect(report.decryptedChecked == 2)
        }
        #expect(throws: ReviewerKeyError.alreadyGranted(fileID: 1, fingerprint: second.publicKey.fingerprint)) {
            try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: fixture.identity, actor: "alice")
        }
    }

    func damagedCopyIsNotGranted() throws {
        try ingest("exiftool/t/images/GPS.jpg")
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        let before = try keys.desk.store.file(id: 1)
        let url = fixture.folder.blobs.appendingPathComponent(before.blobKey)
        var bytes = try [UInt8](Data(contentsOf: url))
        bytes[bytes.count - 20] ^= 0x01
        try Data(bytes).write(to: url)
        let blobsBefore = fixture.files(under: fixture.folder.blobs)
        #expect(throws: ReviewerKeyError.self) {
            try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: fixture.identity, actor: "alice")
        }
        #expect(try keys.desk.store.file(id: 1).blobKey == before.blobKey)
        #expect(fixture.files(under: fixture.folder.blobs) == blobsBefore)
        #expect(try !keys.desk.store.custody(fileID: 1).map(\.action).contains("granted"))
    }

    func grantRefusals() throws {
        try ingest("exiftool/t/images/GPS.jpg")
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        let stranger = X25519PrivateKey.generate()
        #expect(throws: ReviewerKeyError.cannotOpen(what: "file 1", fingerprint: stranger.publicKey.fingerprint)) {
            try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: stranger, actor: "alice")
        }
        #expect(throws: ReviewerKeyError.unknownKey(stranger.publicKey.fingerprint)) {
            try keys.grant(fileID: 1, to: stranger.publicKey.fingerprint, identity: fixture.identity, actor: "alice")
        }
        try keys.revoke(fingerprint: second.publicKey.fingerprint, actor: "alice")
        #expect(throws: ReviewerKeyError.self) {
            try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: fixture.identity, actor: "alice")
        }
        #expect(fixture.files(under: fixture.folder.blobs).count == 1)
    }

    func brokenGrantChain() throws {
        try ingest("exiftool/t/images/GPS.jpg")
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        try keys.grant(fileID: 1, to: second.publicKey.fingerprint, identity: fixture.identity, actor: "alice")
        // Rewrite the entry's previous hash and its leaf hash, as someone covering a swapped blob would.
        let entries = try fixture.store.logEntries()
        let granted = try #require(entries.first { $0.text.contains("\nkind granted\n") })
        let previous = try #require(granted.text.split(separator: "\n").first { $0.hasPrefix("previous-sealed-sha256 ") })
        let forged = Array(granted.text.replacingOccurrences(of: previous, with: "previous-sealed-sha256 " + String(repeating: "0", count: 64)).utf8)
        try fixture.sql(
            "UPDATE log_entry SET entry = ?, leaf_hash = ? WHERE leaf_index = ?", [Data(forged), Data(MerkleTree.leafHash(forged)), granted.index])
        let problems = try StoreVerifier(desk: keys.desk, log: pipeline.log).run(identity: nil).problems.map(\.description)
        #expect(problems.contains { $0.hasPrefix("file 1: a 'granted' entry of its cleaned copy starts from sealed SHA-256 0000") }, "\(problems)")
    }

    func listing() throws {
        let first = fixture.identity.publicKey.fingerprint
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        var listed = try keys.list()
        #expect(listed.map(\.fingerprint).sorted() == [first, second.publicKey.fingerprint].sorted())
        let handCopied = try #require(listed.first { $0.fingerprint == first })
        #expect(handCopied.status == .active && handCopied.addedHour == nil && handCopied.name.isEmpty)
        try keys.revoke(fingerprint: first, actor: "bob")
        listed = try keys.list()
        #expect(listed.map(\.status) == [.active, .revoked])
        #expect(listed[1].fingerprint == first && listed[1].revokedBy == "bob" && listed[1].revokedHour != nil)
        #expect(listed[0].name == "Second" && listed[0].addedBy == "alice")
        #expect(FileManager.default.fileExists(
            atPath: fixture.folder.revokedRecipients.appendingPathComponent(first.replacingOccurrences(of: ":", with: "-") + ".pub").path))
    }

    func fingerprintByName() throws {
        let store = keys.desk.store
        #expect(try store.activeReviewerFingerprint(named: "alice") == nil)
        try keys.add(second.publicKey, name: "alice", actor: "alice")
        #expect(try store.activeReviewerFingerprint(named: "alice") == second.publicKey.fingerprint)
        #expect(try store.activeReviewerFingerprint(named: "Alice") == nil)
        let third = X25519PrivateKey.generate()
        try keys.add(third.publicKey, name: "alice", actor: "alice")
        #expect(try store.activeReviewerFingerprint(named: "alice") == nil, "two keys: which one acted is unknown")
        try keys.revoke(fingerprint: second.publicKey.fingerprint, actor: "alice")
        #expect(try store.activeReviewerFingerprint(named: "alice") == third.publicKey.fingerprint)
    }

    func keyRefusals() throws {
        let first = fixture.identity.publicKey
        #expect(throws: ReviewerKeyError.lastActiveKey(first.fingerprint)) { try keys.revoke(fingerprint: first.fingerprint, actor: "alice") }
        #expect(throws: ReviewerKeyError.alreadyActive(fingerprint: first.fingerprint, name: "")) {
            try keys.add(first, name: "again", actor: "alice")
        }
        #expect(throws: ReviewerKeyError.invalidName("two\nlines")) { try keys.add(second.publicKey, name: "two\nlines", actor: "alice") }
        let unknown = X25519PrivateKey.generate().publicKey.fingerprint
        #expect(throws: ReviewerKeyError.unknownKey(unknown)) { try keys.revoke(fingerprint: unknown, actor: "alice") }
        try keys.add(second.publicKey, name: "Second", actor: "alice")
        // The fingerprint's hex alone, in capitals, names the key too.
        try keys.revoke(fingerprint: String(first.fingerprint.dropFirst(7)).uppercased(), actor: "alice")
        #expect(throws: ReviewerKeyError.self) { try keys.add(first, name: "back", actor: "alice") }
        // `serve --recipient` left in a start script cannot bring it back either.
        #expect(throws: ReviewerKeyError.self) { try fixture.folder.addRecipient(first) }
        #expect(try fixture.folder.loadRecipients() == [second.publicKey])
    }
}
