import EvidenceCore
import EvidenceCrypto
import Foundation
import TestCorpus
import Testing

/// Notes, tags, legal hold, purge and statistics on a store built by the test.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct ReviewWorkTests {
    /// Two submissions: a JPEG, then a PNG and the same JPEG again (a duplicate).
    static func stored(_ backend: StoreBackend) throws -> (CoreFixture, ReviewDesk) {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        _ = try pipeline.ingest([fixture.spool(jpeg)], message: nil)
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png")), fixture.spool(jpeg)], message: nil)
        return (fixture, try fixture.desk())
    }

    @Test("notes are sealed, readable with a reviewer's key, and logged by hash only", arguments: StoreBackend.all)
    func notes(backend: StoreBackend) throws {
        let (fixture, desk) = try Self.stored(backend)
        try desk.addNote("faces visible at 0:12 — blur before publishing", fileID: 2, actor: "alice")
        try desk.addNote("whole batch from one phone", fileID: 2, wholeSubmission: true, actor: "bob")
        #expect(throws: CoreError.self) { try desk.addNote("   ", fileID: 2, actor: "alice") }
        let notes = try desk.notes(submissionID: 2, identity: fixture.identity)
        #expect(notes.map(\.text) == ["faces visible at 0:12 — blur before publishing", "whole batch from one phone"])
        #expect(notes.map(\.fileID) == [2, nil])
        #expect(throws: SealedFileError.noMatchingRecipient) { try desk.notes(submissionID: 2, identity: X25519PrivateKey.generate()) }
        // The note is nowhere in plain text: not in the database (on SQLite every byte of the file and its WAL, on
        // PostgreSQL the note and log tables), not in the log.
        switch backend {
        case .sqlite:
            // grep in a child process: reading the file in this process, which has it open through SQLite, would drop
            // SQLite's locks on it. The actor's name is stored in plain text, so the search does see the notes.
            let files = ["", "-wal"].map { fixture.folder.database.path + $0 }
            #expect(try runLogTool("grep", ["-lsF", "blur before", "--"] + files).standardOutput.isEmpty)
            #expect(!(try runLogTool("grep", ["-lsF", "alice", "--"] + files).standardOutput.isEmpty))
        case .postgres:
            let stored = try desk.store.database.read { session in
                try session.rows("SELECT sealed_text FROM note").map { try $0.data(0) }
                    + session.rows("SELECT entry FROM log_entry").map { try $0.data(0) }
            }
            #expect(!stored.isEmpty && stored.allSatisfy { $0.range(of: Data("blur before".utf8)) == nil })
        }
        #expect(try desk.store.custody(fileID: 3).map(\.action).contains("note"), "the submission note reaches every file")
        #expect(try !desk.store.custody(fileID: 1).map(\.action).contains("note"))
    }

    @Test("tags on a file or a submission filter the list; the same tag twice is one tag", arguments: StoreBackend.all)
    func tags(backend: StoreBackend) throws {
        let (fixture, desk) = try Self.stored(backend)
        defer { withExtendedLifetime(fixture) {} }
        #expect(try desk.tag("bridge", fileID: 2, actor: "alice"))
        #expect(try !desk.tag("bridge", fileID: 2, actor: "alice"))
        #expect(try desk.tag("batch-7", fileID: 2, wholeSubmission: true, actor: "alice"))
        #expect(throws: CoreError.self) { try desk.tag("no spaces", fileID: 1, actor: "alice") }
        var query = FileQuery()
        query.tag = "bridge"
        #expect(try desk.store.files(matching: query).map(\.id) == [2])
        query.tag = "batch-7"
        #expect(try desk.store.files(matching: query).map(\.id) == [2, 3])
        #expect(try desk.untag("batch-7", fileID: 3, wholeSubmission: true, actor: "alice"))
        #expect(try desk.store.files(matching: query).isEmpty)
        #expect(try desk.store.custody(fileID: 2).map(\.action).suffix(3) == ["tagged", "tagged", "untagged"])
    }

    @Test("list filters by type and status and sorts by size", arguments: StoreBackend.all)
    func query(backend: StoreBackend) throws {
        let (fixture, desk) = try Self.stored(backend)
        defer { withExtendedLifetime(fixture) {} }
        try desk.reject(fileID: 1, reason: "staged", actor: "alice")
        var query = FileQuery()
        query.mediaTypes = ["jpeg"]
        #expect(try desk.store.files(matching: query).map(\.id) == [1, 3])
        query.status = .pending
        #expect(try desk.store.files(matching: query).map(\.id) == [3])
        var bySize = FileQuery()
        bySize.order = .size
        bySize.descending = true
        let sizes = try desk.store.files(matching: bySize).map(\.sealedSize)
        #expect(sizes == sizes.sorted(by: >))
    }

    @Test("purge deletes sealed copies of old rejected files, keeps hashes, logs it, and never touches a legal hold", arguments: StoreBackend.all)
    func purge(backend: StoreBackend) throws {
        let (fixture, desk) = try Self.stored(backend)
        try desk.reject(fileID: 1, reason: "staged", actor: "alice")
        try desk.reject(fileID: 2, reason: "duplicate", actor: "alice")
        try desk.setLegalHold(true, fileID: 2, reason: "court order 12/2026", actor: "carol")
        // Everything was received this hour, so a cutoff in the future makes it all "old".
        let candidates = try desk.purgeCandidates(receivedBefore: "9999-01-01T00:00Z", status: .rejected)
        #expect(candidates.map(\.id) == [1], "file 2 is on hold, file 3 is not rejected")
        #expect(try desk.purgeCandidates(receivedBefore: "2000-01-01T00:00Z", status: .rejected).isEmpty)
        let blob = try desk.store.file(id: 1).blobKey
        try desk.purge(candidates[0], reason: "rejected, older than 90 days", actor: "alice")
        let purged = try desk.store.file(id: 1)
        let kept = try purged.opened(with: fixture.identity).facts
        #expect(purged.purgedHour != nil && kept?.originalSHA256.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.blobs.appendingPathComponent(blob).path))
        #expect(try desk.store.custody(fileID: 1).last?.action == "purged")
        #expect(throws: CoreError.self) { try desk.purge(desk.store.file(id: 2), reason: "x", actor: "alice") }
        #expect(try desk.purgeCandidates(receivedBefore: "9999-01-01T00:00Z", status: .rejected).isEmpty)
        // The store still verifies: a purged file is expected to have no blob, and its log says so.
        let report = try StoreVerifier(desk: desk, log: try #require(desk.log)).run(identity: fixture.identity)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let stats = try desk.statistics()
        #expect(stats.files == 3 && stats.submissions == 2 && stats.purged == 1 && stats.onLegalHold == 1)
        #expect(stats.byStatus == ["rejected": 2, "pending": 1])
        #expect(stats.byType == ["image/jpeg": 2, "image/png": 1])
    }
}
