import EvidenceCore
import Foundation
import TestCorpus
import Testing

/// The set-based annotations `list` reads must say, for every file, what the per-file queries say.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct FileAnnotationsTests {
    /// GPS.jpg with a comment segment after SOI: another original that scrubs to the same cleaned bytes.
    static func commented(_ jpeg: [UInt8]) -> [UInt8] {
        let text = Array("another original".utf8)
        let length = text.count + 2
        return Array(jpeg[0..<2]) + [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + text + Array(jpeg[2...])
    }

    /// Six files in four submissions: duplicates by original and by cleaned hash only, tags on a submission and on
    /// a file, a hold, and files with none of these.
    static func annotatedStore(_ fixture: CoreFixture) throws -> ReviewDesk {
        let pipeline = try fixture.pipeline()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let png = try Corpus.bytes("exiftool/t/images/PNG.png")
        _ = try pipeline.ingest([fixture.spool(jpeg)], message: nil)
        _ = try pipeline.ingest([fixture.spool(png), fixture.spool(jpeg)], message: nil)
        _ = try pipeline.ingest([fixture.spool(Self.commented(jpeg)), fixture.spool(Corpus.bytes("exiftool/t/images/GIF.gif"))], message: nil)
        _ = try pipeline.ingest([fixture.spool(png)], message: nil)
        let desk = try fixture.desk()
        try desk.tag("bridge", fileID: 2, actor: "alice")
        try desk.tag("batch-7", fileID: 2, wholeSubmission: true, actor: "alice")
        try desk.tag("aardvark", fileID: 3, actor: "bob")
        try desk.tag("zebra", fileID: 5, wholeSubmission: true, actor: "bob")
        try desk.setLegalHold(true, fileID: 4, reason: "court order", actor: "carol")
        return desk
    }

    @Test("duplicates, tags and legal holds match the per-file queries for every file", arguments: StoreBackend.all)
    func matchesPerFileQueries(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let desk = try Self.annotatedStore(fixture)
        let files = try desk.store.files(status: nil)
        #expect(files.count == 6)
        let annotations = try desk.store.annotations()
        for file in files {
            #expect(annotations.duplicates(of: file) == (try desk.store.duplicates(of: file)), "file \(file.id!)")
            #expect(annotations.tags(of: file) == (try desk.store.tags(of: file)), "file \(file.id!)")
            #expect(annotations.legalHold(of: file) == (try desk.store.submission(id: file.submissionID)?.legalHold), "file \(file.id!)")
        }
        // The store exercises every path: duplicates by original and by cleaned hash only, tags on a submission
        // and on a file, a hold, and files with none of these.
        let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id!, $0) })
        #expect(annotations.duplicates(of: byID[1]!) == [3, 4])
        #expect(byID[4]!.originalSHA256 != byID[1]!.originalSHA256)
        #expect(annotations.duplicates(of: byID[2]!) == [6])
        #expect(annotations.duplicates(of: byID[5]!).isEmpty)
        #expect(annotations.tags(of: byID[3]!) == ["batch-7", "aardvark"])
        #expect(annotations.legalHold(of: byID[5]!) && !annotations.legalHold(of: byID[1]!))
    }

    /// The set-based duplicates equal the per-file queries' for every file of `store`.
    static func expectDuplicatesMatch(_ store: EvidenceStore, _ comment: Comment) throws {
        let annotations = try store.annotations()
        for file in try store.files(status: nil) {
            #expect(annotations.duplicates(of: file) == (try store.duplicates(of: file)), "file \(file.id!): \(comment)")
        }
    }

    @Test("a store written before duplicate_hash existed gets it filled by the migration", arguments: StoreBackend.all)
    func duplicateHashMigration(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        _ = try Self.annotatedStore(fixture)
        // Back to the schema before v10, with the files in it, as a store of an earlier version has them.
        switch backend {
        case .sqlite:
            try fixture.sql("DROP TRIGGER file_duplicate_hash_on_insert")
            try fixture.sql("DROP TRIGGER file_duplicate_hash_on_update")
            try fixture.sql("DELETE FROM grdb_migrations WHERE identifier LIKE 'v10:%'")
        case .postgres:
            try fixture.sql("DROP TRIGGER file_duplicate_hash ON file")
            try fixture.sql("DROP FUNCTION note_duplicate_hash()")
            try fixture.sql("DELETE FROM schema_migration WHERE name LIKE 'v10:%'")
        }
        try fixture.sql("DROP TABLE duplicate_hash")
        try fixture.sql("DROP INDEX submission_on_legal_hold")
        let migrated = try fixture.anotherStore()
        let byID = Dictionary(uniqueKeysWithValues: try migrated.files(status: nil).map { ($0.id!, $0) })
        #expect(try migrated.annotations().duplicates(of: byID[1]!) == [3, 4])
        try Self.expectDuplicatesMatch(migrated, "after the migration")
        // And the triggers it created keep the table from then on.
        _ = try IngestPipeline(folder: fixture.folder, blobs: LocalBlobStore(root: fixture.folder.blobs), store: migrated)
            .ingest([fixture.spool(Corpus.bytes("exiftool/t/images/GIF.gif"))], message: nil)
        #expect(try migrated.annotations().duplicates(of: byID[5]!) == [7])
        try Self.expectDuplicatesMatch(migrated, "after an ingest")
    }

    @Test("a hash in duplicate_hash that only one file has names no duplicate", arguments: StoreBackend.all)
    func extraDuplicateHash(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let desk = try Self.annotatedStore(fixture)
        let gif = try desk.store.file(id: 5)
        try fixture.sql("INSERT INTO duplicate_hash (sha256) VALUES (?), (?)", [gif.originalSHA256, gif.cleanedSHA256 + "0"])
        #expect(try desk.store.annotations().duplicates(of: gif).isEmpty)
        try Self.expectDuplicatesMatch(desk.store, "with extra hashes")
    }

    @Test("one file's annotations, read alone, equal the whole store's for every file", arguments: StoreBackend.all)
    func perFileAnnotations(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let desk = try Self.annotatedStore(fixture)
        let whole = try desk.store.annotations()
        let files = try desk.store.files(status: nil)
        #expect(files.count == 6)
        for file in files {
            let own = try desk.store.annotations(of: file)
            #expect(own.duplicates(of: file) == whole.duplicates(of: file), "file \(file.id!)")
            #expect(own.tags(of: file) == whole.tags(of: file), "file \(file.id!)")
            #expect(own.legalHold(of: file) == whole.legalHold(of: file), "file \(file.id!)")
        }
        let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id!, $0) })
        #expect(try desk.store.annotations(of: byID[1]!).duplicates(of: byID[1]!) == [3, 4])
        #expect(try desk.store.annotations(of: byID[3]!).tags(of: byID[3]!) == ["batch-7", "aardvark"])
        #expect(try desk.store.annotations(of: byID[5]!).legalHold(of: byID[5]!))
    }

    @Test("files and their annotations come from one query set, with the list's filters", arguments: StoreBackend.all)
    func annotatedFiles(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        _ = try pipeline.ingest([fixture.spool(jpeg)], message: nil)
        _ = try pipeline.ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png")), fixture.spool(jpeg)], message: nil)
        let desk = try fixture.desk()
        var query = FileQuery()
        query.mediaTypes = ["png"]
        let (files, annotations) = try desk.store.annotatedFiles(matching: query)
        #expect(files.map(\.id) == [2])
        // Duplicates are looked for among all files, not only the listed ones.
        let jpegs = try desk.store.files(status: nil).filter { $0.mediaType?.rawValue == "jpeg" }
        #expect(jpegs.map { annotations.duplicates(of: $0) } == [[3], [1]])
    }

    @Test("list's summaries read in place are the full records' columns, with the same order, limit and annotations",
          arguments: StoreBackend.all)
    func listedFiles(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let desk = try Self.annotatedStore(fixture)
        // An original kept and a purged file, so every summary column is read both ways.
        _ = try fixture.pipeline().ingest([fixture.spool(Corpus.bytes("exiftool/t/images/PNG.png"))], message: nil, keepOriginals: true)
        try desk.purge(try desk.store.file(id: 6), reason: "test", actor: "carol")
        #expect(try desk.store.file(id: 7).originalBlobKey != nil)
        for (order, descending, limit) in [(FileQuery.Order.id, false, nil), (.size, true, 4), (.type, false, nil), (.received, true, 2)] {
            var query = FileQuery()
            query.order = order
            query.descending = descending
            query.limit = limit
            let records = try desk.store.annotatedFiles(matching: query)
            let (summaries, annotations) = try desk.store.listedFiles(matching: query)
            #expect(summaries == records.files.map(FileSummary.init), "\(order) \(descending) \(String(describing: limit))")
            for (summary, record) in zip(summaries, records.files) {
                #expect(annotations.duplicates(of: summary) == records.annotations.duplicates(of: record))
                #expect(annotations.tags(of: summary) == records.annotations.tags(of: record))
                #expect(annotations.legalHold(of: summary) == records.annotations.legalHold(of: record))
            }
        }
    }
}
