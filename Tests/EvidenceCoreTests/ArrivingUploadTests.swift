@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub
import TestCorpus
import Testing

/// Files scrubbed and sealed while they arrive (`ArrivingUpload`) against the spooled path as the oracle.
@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct ArrivingUploadTests {
    /// Every file of the corpus that MediaScrub cleans, with its bytes.
    static func corpusMedia() throws -> [(path: String, bytes: [UInt8])] {
        let walker = FileManager.default.enumerator(at: Corpus.root, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [(String, [UInt8])] = []
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let bytes = try [UInt8](Data(contentsOf: url))
            if MediaSniffer.sniff(Array(bytes.prefix(MediaSniffer.prefixLength))) != nil {
                found.append((String(url.path.dropFirst(Corpus.root.path.count + 1)), bytes))
            }
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// Sends `bytes` in pieces of `piece` bytes, as request buffers, and finishes; `watch` sees it after each piece.
    /// `paced`: a pause between pieces, as on a network, so the scrubbing thread has started before the last piece.
    static func arrive(
        _ bytes: [UInt8], fixture: CoreFixture, mayKeepOriginal: Bool = false, piece: Int = 7_777, paced: Bool = false,
        inBackground: Bool = false, watch: (ArrivingUpload) -> Void = { _ in }
    ) async throws -> ReceivedUpload {
        let upload = try ArrivingUpload(
            in: fixture.folder.spool, sizeLimit: 1 << 30, scrubbing: try settings(fixture, inBackground: inBackground),
            mayKeepOriginal: mayKeepOriginal)
        for start in stride(from: 0, to: bytes.count, by: piece) {
            try bytes[start..<min(bytes.count, start + piece)].withUnsafeBytes { try upload.append($0) }
            watch(upload)
            await upload.waitForRoom()
            if paced { try await Task.sleep(for: .milliseconds(3)) }
        }
        return try await upload.finish()
    }

    static func settings(_ fixture: CoreFixture, inBackground: Bool = false) throws -> ArrivingUpload.LiveScrubbing {
        let pipeline = try fixture.pipeline()
        return .init(pipeline: pipeline, recipients: try pipeline.currentRecipients(), sealsInBackground: inBackground)
    }

    @Test("every corpus file scrubbed while it arrives is stored as the spooled path stores it, and verifies",
          arguments: [false, true])
    func sameAsSpooled(inBackground: Bool) async throws {
        let fixture = try CoreFixture()
        let pipeline = try fixture.pipeline()
        let media = try Self.corpusMedia()
        #expect(media.count > 50)
        var live = 0
        var stored = 0
        for (path, bytes) in media {
            let spooled: Receipt
            do {
                spooled = try pipeline.ingest([fixture.spool(bytes)], message: nil)
            } catch {
                // A file the scrubber refuses must be refused the same way while it arrives.
                await #expect(throws: CoreError.self, "\(path)") { _ = try await Self.arrive(bytes, fixture: fixture) }
                continue
            }
            let received = try await Self.arrive(bytes, fixture: fixture, inBackground: inBackground)
            stored += 1
            if case .scrubbed = received { live += 1 }
            let receipt = try pipeline.ingest(received: [received], message: nil)
            let (a, b) = (try #require(spooled.files.first), try #require(receipt.files.first))
            #expect(b.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)), "\(path)")
            #expect(b.cleanedSHA256 == a.cleanedSHA256 && b.cleanedSize == a.cleanedSize, "\(path)")
            #expect(b.removed == a.removed && b.type == a.type, "\(path)")
        }
        #expect(live == stored && stored > 50, "\(live) of \(stored) scrubbed while they arrived")
        // verify decrypts every stored file and checks its cleaned SHA-256.
        let report = try StoreVerifier(desk: try fixture.desk(), log: pipeline.log).run(identity: fixture.identity)
        #expect(report.isClean, "\(report.problems)")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
        #expect(fixture.files(under: IngestJournal.folder(blobsRoot: fixture.folder.blobs)).isEmpty)
    }

    /// The offset of the first top-level box of `type` (a simple walk; enough for the corpus files).
    static func topLevelOffset(_ type: String, in bytes: [UInt8]) -> Int? {
        var offset = 0
        while offset + 8 <= bytes.count {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self) == type { return offset }
            if size == 1, offset + 16 <= bytes.count { size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) } }
            guard size >= 8 else { return nil }
            offset += size
        }
        return nil
    }

    @Test("a copy is spooled only while it may be needed: until the scrubber starts, or to keep the original")
    func copyOnlyWhileNeeded() async throws {
        let fixture = try CoreFixture()
        let pipeline = try fixture.pipeline()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        var copies: [Bool] = []
        let photo = try await Self.arrive(jpeg, fixture: fixture, piece: 1_000, paced: true) { copies.append($0.keepsCopy) }
        // Pieces are spooled until the scrubbing thread has started; from then on, none is.
        #expect(copies.count > 2 && copies.last == false && !copies.drop { $0 }.contains(true), "\(copies)")
        guard case .scrubbed(let scrubbed) = photo else { Issue.record("not scrubbed while it arrived"); return }
        #expect(scrubbed.original == nil)

        let movies = try Self.corpusMedia().filter { [.mp4, .mov].contains(MediaSniffer.sniff(Array($0.bytes.prefix(64)))) }
        let indexLast = try #require(movies.first { item in
            guard let mdat = Self.topLevelOffset("mdat", in: item.bytes), let moov = Self.topLevelOffset("moov", in: item.bytes) else { return false }
            return moov > mdat && item.bytes.count > 50_000
        })
        copies = []
        let movie = try await Self.arrive(indexLast.bytes, fixture: fixture, piece: 4_096, paced: true) { copies.append($0.keepsCopy) }
        // The scrubber streams the media data before it has seen the index (and zeroes what the index removes
        // afterwards, in its own output): the copy goes as soon as the scrubbing thread has started.
        #expect(copies.last == false && !copies.drop { $0 }.contains(true), "\(indexLast.path): \(copies)")
        guard case .scrubbed = movie else { Issue.record("\(indexLast.path) not scrubbed while it arrived"); return }
        _ = try pipeline.ingest(received: [movie], message: nil)

        if let indexFirst = movies.first(where: { item in
            guard let mdat = Self.topLevelOffset("mdat", in: item.bytes), let moov = Self.topLevelOffset("moov", in: item.bytes) else { return false }
            return moov < mdat && item.bytes.count - mdat > 20_000
        }) {
            copies = []
            _ = try await Self.arrive(indexFirst.bytes, fixture: fixture, piece: 4_096, paced: true) { copies.append($0.keepsCopy) }
            #expect(copies.last == false, "\(indexFirst.path): the copy goes once the scrubber has started")
        }

        copies = []
        let kept = try await Self.arrive(jpeg, fixture: fixture, mayKeepOriginal: true, piece: 1_000) { copies.append($0.keepsCopy) }
        #expect(copies.allSatisfy { $0 })
        let receipt = try pipeline.ingest(received: [kept], message: nil, keepOriginals: true)
        #expect(receipt.files.first?.originalKept == true)
        let file = try #require(try pipeline.store.files(status: nil).last)
        let sealed = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(try #require(file.originalBlobKey))))
        let reader = SealedFileReader(identity: fixture.identity)
        #expect(try reader.update(sealed) + reader.finish() == jpeg, "the kept original is the upload, byte for byte")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("a damaged file is refused when its scrubbing fails, and no blob, copy or journal is left")
    func damagedLeavesNothing() async throws {
        let fixture = try CoreFixture()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        await #expect(throws: CoreError.self) {
            // Cut inside its first segments (Exif), where metadata would stay unread.
            _ = try await Self.arrive(Array(jpeg.prefix(500)), fixture: fixture, mayKeepOriginal: true)
        }
        #expect(fixture.files(under: fixture.folder.blobs).isEmpty, "\(fixture.files(under: fixture.folder.blobs))")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("an upload given up halfway stops its thread, which removes what it wrote")
    func givenUp() async throws {
        let fixture = try CoreFixture()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let upload = try ArrivingUpload(
            in: fixture.folder.spool, sizeLimit: 1 << 30, scrubbing: try Self.settings(fixture), mayKeepOriginal: true)
        try jpeg.prefix(jpeg.count / 2).withUnsafeBytes { try upload.append($0) }
        #expect(upload.isScrubbedLive)
        upload.discard()
        await upload.settle()
        #expect(fixture.files(under: fixture.folder.blobs).isEmpty, "\(fixture.files(under: fixture.folder.blobs))")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("a file over its size limit is refused as it arrives")
    func sizeLimit() async throws {
        let fixture = try CoreFixture()
        let jpeg = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let upload = try ArrivingUpload(
            in: fixture.folder.spool, sizeLimit: Int64(jpeg.count - 1), scrubbing: try Self.settings(fixture), mayKeepOriginal: false)
        #expect(throws: CoreError.fileTooLarge(limit: Int64(jpeg.count - 1))) {
            try jpeg.withUnsafeBytes { try upload.append($0) }
        }
        upload.discard()
        await upload.settle()
        #expect(fixture.files(under: fixture.folder.blobs).isEmpty)
    }

    @Test("a local blob's withheld start is counted and hashed first, written only at commit, and left out of reading back",
          arguments: [false, true])
    func withheldStart(inBackground: Bool) throws {
        let fixture = try CoreFixture()
        let store = LocalBlobStore(root: fixture.folder.blobs)
        let writer = try #require(try store.makeWriter(writingInBackground: inBackground) as? LocalBlobWriter)
        #expect(writer.writesInBackground == inBackground)
        let start = [UInt8](repeating: 0xAB, count: 100)
        let rest = (0..<40).flatMap { _ in [UInt8](0..<255) }
        try writer.withhold(prefix: start)
        for piece in stride(from: 0, to: rest.count, by: 1_000) { try writer.write(Array(rest[piece..<min(rest.count, piece + 1_000)])) }
        let reader = try writer.readBack()
        let temporary = try #require(fixture.files(under: fixture.folder.blobs).first)
        let before = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(temporary)))
        let zerosFirst = before == [UInt8](repeating: 0, count: 100) + rest
        #expect(zerosFirst, "until the commit the start is zeros")
        let readBack = try reader.read(maxLength: 1 << 20)
        #expect(readBack == rest)
        let blob = try writer.commit()
        let stored = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(blob.key)))
        let whole = stored == start + rest
        #expect(whole && blob.size == Int64(100 + rest.count) && blob.sha256 == Hex.encode(SHA256Hasher.hash(start + rest)))
    }

    @Test("the request waits while more than the queue's limit is unread, and goes on as the scrubber reads")
    func backPressure() async throws {
        let blocks = ArrivingBlocks(maxQueuedBytes: 10)
        let twenty = [UInt8](repeating: 7, count: 20)
        twenty.withUnsafeBytes { blocks.push($0) }
        let returned = Flag()
        let waited = Task { await blocks.waitForRoom(); returned.set() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!returned.isSet, "20 bytes wait, more than 10")
        #expect(try blocks.take(maxLength: 5) == [7, 7, 7, 7, 7])
        try await Task.sleep(for: .milliseconds(200))
        #expect(!returned.isSet, "15 bytes still wait: the request goes on once half the limit is free")
        #expect(try blocks.take(maxLength: 100).count == 15)
        await waited.value
        #expect(returned.isSet)
        blocks.end()
        #expect(try blocks.take(maxLength: 100) == [])
        blocks.fail(CoreError.noFiles)
        #expect(throws: CoreError.noFiles) { try blocks.take(maxLength: 1) }
    }
}

/// Set once, from any thread.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
