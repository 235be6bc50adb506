@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub
import TestCorpus
import Testing

/// Resumable uploads scrubbed, hashed and sealed as their PATCHes arrive (`RunningUploads` with a `LiveScrub`),
/// against the spooled path as the oracle; and each way the chain breaks falls back to scrubbing the pieces.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct TusLiveScrubTests {
    /// One PATCH of `bytes` at `offset`, in request-sized buffers, waiting for the scrubbing between them.
    static func patch(_ partials: PartialUploads, _ handle: PartialUploads.Handle, at offset: Int, _ bytes: ArraySlice<UInt8>) async throws {
        let writer = try #require(try partials.append(handle, at: Int64(offset)))
        for start in stride(from: bytes.startIndex, to: bytes.endIndex, by: 65_536) {
            try bytes[start..<min(bytes.endIndex, start + 65_536)].withUnsafeBytes { try writer.append($0) }
            await writer.waitForRoom()
        }
        #expect(try writer.finish() == Int64(offset + bytes.count))
    }

    /// Sends `bytes` as a tus client does, in three PATCHes, and completes the upload.
    static func upload(_ bytes: [UInt8], through partials: PartialUploads, spool: URL) async throws -> CompletedUpload {
        let handle = try partials.create(length: Int64(bytes.count))
        let cuts = [0, max(MediaSniffer.prefixLength, bytes.count / 3), max(MediaSniffer.prefixLength, 2 * bytes.count / 3), bytes.count]
            .map { min($0, bytes.count) }
        for (start, end) in zip(cuts, cuts.dropFirst()) where start < end {
            try await patch(partials, handle, at: start, bytes[start..<end])
        }
        return try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30))
    }

    /// A store, its pipeline, and partial uploads scrubbed into it as they arrive.
    static func setUp() throws -> (CoreFixture, IngestPipeline, PartialUploads) {
        let fixture = try CoreFixture()
        let pipeline = try fixture.pipeline()
        return (fixture, pipeline, PartialUploads(spool: fixture.folder.spool, scrubbingWith: pipeline))
    }

    /// Waits (a little) for abandoned scrubbing threads to remove what they wrote.
    static func settled(_ fixture: CoreFixture) async throws -> [String] {
        for _ in 0..<100 {
            let left = fixture.files(under: fixture.folder.blobs.appendingPathComponent("tmp"))
            if left.isEmpty { return [] }
            try await Task.sleep(for: .milliseconds(20))
        }
        return fixture.files(under: fixture.folder.blobs.appendingPathComponent("tmp"))
    }

    @Test("every corpus file sent through tus is scrubbed as it arrives and stored as the spooled path stores it")
    func sameAsSpooled() async throws {
        let (fixture, pipeline, partials) = try Self.setUp()
        let media = try ArrivingUploadTests.corpusMedia()
        #expect(media.count > 50)
        var live = 0
        var stored = 0
        for (path, bytes) in media {
            let completed = try await Self.upload(bytes, through: partials, spool: fixture.folder.spool)
            #expect(completed.wasScrubbedLive, "\(path)")
            let received = await completed.received(sealedTo: try pipeline.currentRecipients())
            let spooled: Receipt
            do {
                spooled = try pipeline.ingest([fixture.spool(bytes)], message: nil)
            } catch {
                // Refused while arriving, it is scrubbed again from its pieces, which gives the spooled path's error.
                guard case .spooled = received else {
                    Issue.record("\(path): the spooled path refuses it, but it was scrubbed as it arrived")
                    continue
                }
                #expect(throws: EveryFileRefused.self, "\(path)") { try pipeline.ingest(received: [received], message: nil) }
                continue
            }
            stored += 1
            if case .scrubbed = received { live += 1 }
            let receipt = try pipeline.ingest(received: [received], message: nil, keepOriginals: stored % 2 == 0)
            let (a, b) = (try #require(spooled.files.first), try #require(receipt.files.first))
            #expect(b.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)), "\(path)")
            #expect(b.cleanedSHA256 == a.cleanedSHA256 && b.cleanedSize == a.cleanedSize, "\(path)")
            #expect(b.removed == a.removed && b.type == a.type, "\(path)")
            // The pieces are the original to keep, when the submitter asks.
            #expect(b.originalKept == (stored % 2 == 0), "\(path)")
        }
        #expect(live == stored && stored > 50, "\(live) of \(stored) scrubbed as they arrived")
        #expect(partials.running?.count == 0)
        // verify decrypts every stored file (and kept original) and checks its SHA-256.
        let report = try StoreVerifier(desk: try fixture.desk(), log: pipeline.log).run(identity: fixture.identity)
        #expect(report.isClean, "\(report.problems)")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
        #expect(try await Self.settled(fixture).isEmpty)
        #expect(fixture.files(under: IngestJournal.folder(blobsRoot: fixture.folder.blobs)).isEmpty)
    }

    static func photo() throws -> [UInt8] {
        let media = try ArrivingUploadTests.corpusMedia()
        return try #require(media.first { MediaSniffer.sniff(Array($0.bytes.prefix(64))) == .jpeg && $0.bytes.count > 200_000 }).bytes
    }

    @Test("two PATCHes at one offset at once: the scrubbing is dropped, its blob removed, and the pieces are scrubbed")
    func overlappingPatchesDropTheScrubbing() async throws {
        let (fixture, pipeline, partials) = try Self.setUp()
        let bytes = try Self.photo()
        let handle = try partials.create(length: Int64(bytes.count))
        try await Self.patch(partials, handle, at: 0, bytes[..<100_000])
        #expect(partials.running?.liveCount == 1)
        // The dropped request is still open when the client resumes; both send the same rest.
        let dropped = try #require(try partials.append(handle, at: 100_000))
        try bytes[100_000..<150_000].withUnsafeBytes { try dropped.append($0) }
        let resumed = try #require(try partials.append(handle, at: 100_000))
        try bytes[100_000...].withUnsafeBytes { try resumed.append($0) }
        _ = try resumed.finish()
        _ = try dropped.finish()
        let completed = try #require(try partials.complete(handle, into: fixture.folder.spool, sizeLimit: 1 << 30))
        #expect(!completed.wasScrubbedLive)
        #expect(try await Self.settled(fixture).isEmpty, "the dropped scrubbing's blob is removed")
        let received = await completed.received(sealedTo: try pipeline.currentRecipients())
        guard case .spooled = received else {
            Issue.record("expected the pieces to be scrubbed at ingest")
            return
        }
        let receipt = try pipeline.ingest(received: [received], message: nil)
        #expect(receipt.files.first?.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
        #expect(receipt.files.first?.cleanedSHA256 == (try pipeline.ingest([fixture.spool(bytes)], message: nil)).files.first?.cleanedSHA256)
    }

    @Test("an empty PATCH keeps the scrubbing; a piece dropped after the scrubbing took some of it ends it")
    func droppedPieceEndsTheScrubbing() async throws {
        let (fixture, _, partials) = try Self.setUp()
        let bytes = try Self.photo()
        let handle = try partials.create(length: Int64(bytes.count))
        try await Self.patch(partials, handle, at: 0, bytes[..<70_000])
        let empty = try #require(try partials.append(handle, at: 70_000))
        #expect(try empty.finish() == 70_000)
        #expect(partials.running?.liveCount == 1, "nothing was fed, so the scrubbing goes on")
        // A PATCH whose piece cannot be kept: its upload was removed meanwhile (as a DELETE does).
        let doomed = try #require(try partials.append(handle, at: 70_000))
        try bytes[70_000..<90_000].withUnsafeBytes { try doomed.append($0) }
        #expect(try partials.remove(handle))
        #expect(throws: (any Error).self) { try doomed.finish() }
        #expect(partials.running?.count == 0)
        #expect(try await Self.settled(fixture).isEmpty, "the scrubbing's blob is removed")
    }

    @Test("keys added after the upload began: the scrubbed blob is dropped and the pieces are sealed to the new keys")
    func otherKeysRescrub() async throws {
        let (fixture, pipeline, partials) = try Self.setUp()
        let bytes = try Self.photo()
        let completed = try await Self.upload(bytes, through: partials, spool: fixture.folder.spool)
        #expect(completed.wasScrubbedLive)
        try fixture.folder.addRecipient(X25519PrivateKey.generate().publicKey)
        let recipients = try pipeline.currentRecipients()
        #expect(recipients.count == 2)
        let received = await completed.received(sealedTo: recipients)
        guard case .spooled = received else {
            Issue.record("expected the pieces to be sealed again")
            return
        }
        #expect(try await Self.settled(fixture).isEmpty)
        #expect(fixture.files(under: fixture.folder.blobs).filter { !$0.hasPrefix("journal") && !$0.hasPrefix("tmp") }.isEmpty)
        let receipt = try pipeline.ingest(received: [received], message: nil, recipients: recipients)
        #expect(receipt.files.first?.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
    }

    @Test("a damaged file is refused by the scrubbing as it arrives, and the ingest of its pieces names the error")
    func damagedFileFallsBack() async throws {
        let (fixture, pipeline, partials) = try Self.setUp()
        let bytes = Array(try Self.photo().prefix(150_000))
        let completed = try await Self.upload(bytes, through: partials, spool: fixture.folder.spool)
        let received = await completed.received(sealedTo: try pipeline.currentRecipients())
        guard case .spooled = received else {
            Issue.record("expected the pieces to be scrubbed again")
            return
        }
        #expect(throws: EveryFileRefused.self) { try pipeline.ingest(received: [received], message: nil) }
        #expect(try await Self.settled(fixture).isEmpty)
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("a paused upload's scrubbing gives up after its idle time, and stops waiting for bytes")
    func pausedScrubbingGivesUp() async throws {
        let blocks = ArrivingBlocks(idleTimeout: 0.2)
        [UInt8](repeating: 7, count: 10).withUnsafeBytes { blocks.push($0) }
        #expect(try blocks.take(maxLength: 100) == [UInt8](repeating: 7, count: 10))
        let started = Date()
        #expect(throws: CoreError.self) { try blocks.take(maxLength: 100) }
        #expect(Date().timeIntervalSince(started) >= 0.19)
        // Later bytes are ignored, as after a failure; the request side never waits.
        [UInt8](repeating: 8, count: 10).withUnsafeBytes { blocks.push($0) }
        await blocks.waitForRoom()
        #expect(throws: CoreError.self) { try blocks.take(maxLength: 100) }
    }
}
