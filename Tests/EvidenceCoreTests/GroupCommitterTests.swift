@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import TestCorpus
import Testing

/// Submissions that arrive together are recorded in one transaction, each in its own savepoint.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct GroupCommitterTests {
    @Test("submissions ingested at once each get their own log entry and a checkpoint that covers it; all verify",
          arguments: StoreBackend.all)
    func concurrentIngests(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        // The same photo 24 times: each submission still gets its own rows and log entry.
        let uploads = try (0..<24).map { _ in try fixture.spool(jpeg) }
        let receipts = uploads.concurrentMap { upload in Result { try pipeline.ingest([upload], message: nil) } }
        let indexes = try receipts.map { try $0.get().files[0].logIndex }
        #expect(Set(indexes) == Set(0..<24))
        for receipt in receipts {
            let receipt = try receipt.get()
            let size = try #require(receipt.checkpoint.flatMap(Self.treeSize))
            #expect(size > receipt.files[0].logIndex, "the receipt's checkpoint includes its entry")
        }
        let checkpoints = try pipeline.store.storedCheckpoints()
        #expect(!checkpoints.isEmpty && checkpoints.count <= 24)
        let report = try StoreVerifier(desk: try fixture.desk(), log: pipeline.log).run(identity: fixture.identity)
        #expect(report.isClean, "\(report.problems)")
    }

    @Test("one submission that fails in a batch is rolled back alone; the others are recorded", arguments: StoreBackend.all)
    func failureIsolated(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let submission = { (hash: UInt8) in
            SubmissionRecord(receiptHash: Data(repeating: hash, count: 32), receivedHour: "2026-12-04T13:00Z", sealedMessage: nil, replyPublicKey: nil)
        }
        // The second has the first's receipt hash, which must be unique.
        let (results, checkpoint) = try pipeline.store.commit([.new(submission(1), files: []), .new(submission(1), files: []), .new(submission(2), files: [])]) {
            pipeline.log.sign(size: $0, root: $1)
        }
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        #expect(checkpoint != nil)
        let count = try fixture.store.database.read { try $0.row("SELECT COUNT(*) FROM submission", [])!.int(0) }
        #expect(count == 2)
    }

    /// The tree size on a checkpoint's second line.
    static func treeSize(_ note: String) -> Int? {
        note.split(separator: "\n").dropFirst().first.flatMap { Int($0) }
    }
}
