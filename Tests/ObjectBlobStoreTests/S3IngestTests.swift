import EvidenceCore
import EvidenceCrypto
import Foundation
import ObjectBlobStore
import S3TestSupport
import TestCorpus
import Testing

/// The whole ingest path with sealed files in S3: ingest, export, verify, and crash recovery through the store.
@Suite(
    .enabled(if: S3TestServer.isAvailable, Comment(rawValue: S3TestServer.unavailableReason)),
    .enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct S3IngestTests {
    struct IngestOutcome: Sendable {
        let blobKey: String
        let receiptCleanedSHA256: String
        let recordedCleanedSHA256: String
        let exportedSHA256: String
        let localBlobFiles: [String]
        let problemsBefore: [String]
        let problemsAfterDelete: [String]
    }

    @Test func photoIngestedExportedAndVerified() async throws {
        let blobs = try await BlobStoreUnderTest.s3Store()
        let photo = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let outcome = try await onThread {
            let fixture = try S3IngestFixture(blobs: blobs)
            let pipeline = try fixture.pipeline()
            let receipt = try pipeline.ingest([fixture.spool(photo)], message: nil)
            let file = try pipeline.store.file(id: 1)
            let desk = try fixture.desk()
            let exported = try desk.export(
                fileID: 1, identity: fixture.identity, to: fixture.root.appendingPathComponent("out"), actor: "alice")
            let verifier = StoreVerifier(desk: desk, log: pipeline.log)
            let before = try verifier.run(identity: fixture.identity).problems.map(\.description)
            try blobs.delete(file.blobKey)
            let after = try verifier.run(identity: fixture.identity).problems.map(\.description)
            return IngestOutcome(
                blobKey: file.blobKey, receiptCleanedSHA256: receipt.files[0].cleanedSHA256,
                recordedCleanedSHA256: try file.opened(with: fixture.identity).facts!.cleanedSHA256,
                exportedSHA256: sha256Hex(try [UInt8](Data(contentsOf: exported))),
                localBlobFiles: fixture.localBlobFiles(), problemsBefore: before, problemsAfterDelete: after)
        }
        #expect(outcome.blobKey.hasPrefix(blobs.prefix))
        #expect(outcome.localBlobFiles.isEmpty, "sealed files stay out of the data folder")
        #expect(outcome.exportedSHA256 == outcome.receiptCleanedSHA256)
        #expect(outcome.exportedSHA256 == outcome.recordedCleanedSHA256)
        #expect(outcome.problemsBefore.isEmpty, "\(outcome.problemsBefore)")
        #expect(outcome.problemsAfterDelete == ["file 1: its sealed blob \(outcome.blobKey) is missing"])
    }

    /// A crash after a blob was committed and journalled but before the database transaction: the next start
    /// deletes that blob from the bucket, and leaves alone a journalled blob that a record names.
    @Test func journalledUncommittedBlobIsRemovedByRecovery() async throws {
        let blobs = try await BlobStoreUnderTest.s3Store()
        let photo = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let (recorded, orphan, removed, recordedExists, orphanExists, journals) = try await onThread {
            let fixture = try S3IngestFixture(blobs: blobs)
            let pipeline = try fixture.pipeline()
            _ = try pipeline.ingest([fixture.spool(photo)], message: nil)
            let recorded = try pipeline.store.file(id: 1).blobKey

            // What an interrupted ingest leaves: its journal naming the keys it announced, one of them stored.
            let journal = fixture.folder.blobs.appendingPathComponent("journal/\(UUID().uuidString)")
            let writer = try blobs.makeWriter()
            try writer.write(SecureRandom.bytes(count: 70_000))
            let orphan = try writer.commit { key in
                try Data([recorded, key].joined(separator: "\n").utf8).write(to: journal)
            }.key

            let removed = try pipeline.recoverInterruptedIngests()
            let journals = try FileManager.default.contentsOfDirectory(atPath: journal.deletingLastPathComponent().path)
            return (recorded, orphan, removed, blobs.exists(recorded), blobs.exists(orphan), journals)
        }
        #expect(orphan != recorded)
        #expect(removed == 1)
        #expect(!orphanExists)
        #expect(recordedExists)
        #expect(journals.isEmpty)
    }
}
