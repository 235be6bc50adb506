import EvidenceCore
import EvidenceCrypto
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

    @Test("duplicates are found from the opened facts only; tags and legal holds match the per-file queries", arguments: StoreBackend.all)
    func matchesPerFileQueries(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let desk = try Self.annotatedStore(fixture)
        let files = try desk.store.files(status: nil)
        #expect(files.count == 6)
        let stored = try desk.store.annotations()
        let facts = try desk.openedFacts(identity: fixture.identity)
        #expect(facts.count == 6)
        let annotations = stored.withDuplicates(among: facts)
        for file in files {
            // The store alone holds no hash to group by.
            #expect(stored.duplicates(of: file).isEmpty, "file \(file.id!)")
            #expect(annotations.tags(of: file) == (try desk.store.tags(of: file)), "file \(file.id!)")
            #expect(annotations.legalHold(of: file) == (try desk.store.submission(id: file.submissionID)?.legalHold), "file \(file.id!)")
        }
        // Duplicates by original and by cleaned hash only, tags on a submission and on a file, a hold, and files
        // with none of these.
        let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id!, $0) })
        #expect(annotations.duplicates(of: byID[1]!) == [3, 4])
        #expect(facts[4]!.originalSHA256 != facts[1]!.originalSHA256)
        #expect(facts[4]!.cleanedSHA256 == facts[1]!.cleanedSHA256)
        #expect(annotations.duplicates(of: byID[2]!) == [6])
        #expect(annotations.duplicates(of: byID[5]!).isEmpty)
        #expect(annotations.tags(of: byID[3]!) == ["batch-7", "aardvark"])
        #expect(annotations.legalHold(of: byID[5]!) && !annotations.legalHold(of: byID[1]!))
        // Another reviewer's key opens nothing, so groups nothing.
        #expect(try desk.openedFacts(identity: X25519PrivateKey.generate()).isEmpty)
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
            #expect(own.tags(of: file) == whole.tags(of: file), "file \(file.id!)")
            #expect(own.legalHold(of: file) == whole.legalHold(of: file), "file \(file.id!)")
        }
        let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id!, $0) })
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
        let (files, stored) = try desk.store.annotatedFiles(matching: query)
        #expect(files.map(\.id) == [2])
        // Duplicates are looked for among all files, not only the listed ones.
        let annotations = stored.withDuplicates(among: try desk.openedFacts(identity: fixture.identity))
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
                #expect(annotations.tags(of: summary) == records.annotations.tags(of: record))
                #expect(annotations.legalHold(of: summary) == records.annotations.legalHold(of: record))
            }
        }
    }
}
