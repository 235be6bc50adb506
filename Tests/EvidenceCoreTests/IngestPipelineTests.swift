@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import GRDB
import MediaScrub
import TestCorpus
import Testing

@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct IngestPipelineTests {
    @Test("a file is scrubbed, sealed, stored and recorded with three hashes that each check out", arguments: StoreBackend.all)
    func ingestOne(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let original = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let pipeline = try fixture.pipeline()
        let receipt = try pipeline.ingest([fixture.spool(original)], message: "  at the bridge \n")

        #expect(fixture.files(under: fixture.folder.spool).isEmpty, "spool not emptied")
        let file = try #require(try pipeline.store.files(status: .pending).first)
        #expect(file.facts == nil, "the store keeps the facts sealed")
        let facts = try #require(try file.opened(with: fixture.identity).facts)
        #expect(facts.originalSHA256 == Hex.encode(SHA256Hasher.hash(original)))
        #expect(receipt.files.first?.originalSHA256 == facts.originalSHA256)
        #expect(receipt.files.first?.opening == facts.opening)
        #expect(file.originalCommitment == FileCommitment.commitment(.original, opening: facts.opening!, sha256: facts.originalSHA256))
        #expect(file.cleanedCommitment == FileCommitment.commitment(.cleaned, opening: facts.opening!, sha256: facts.cleanedSHA256))

        let sealed = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(file.blobKey)))
        #expect(file.sealedSHA256 == Hex.encode(SHA256Hasher.hash(sealed)))
        #expect(file.blobKey == "\(file.sealedSHA256.prefix(2))/\(file.sealedSHA256)")

        let reader = SealedFileReader(identity: fixture.identity)
        let cleaned = try reader.update(sealed) + reader.finish()
        #expect(facts.cleanedSHA256 == Hex.encode(SHA256Hasher.hash(cleaned)))
        #expect(cleaned.count == Int(facts.cleanedSize))
        #expect(cleaned.count < original.count)
        #expect(facts.removalReport?.removed.isEmpty == false)
        #expect(file.receivedHour.hasSuffix(":00Z"))

        let desk = ReviewDesk(store: pipeline.store, blobs: pipeline.blobs)
        #expect(try desk.message(submissionID: file.submissionID, identity: fixture.identity) == "at the bridge")
        #expect(try pipeline.store.custody(fileID: file.id!).map(\.action) == ["received"])
    }

    @Test("an unsupported or damaged file refuses only itself: the good file beside it is recorded; when every file is bad, nothing is stored and no blob is left", arguments: StoreBackend.all)
    func badFileRefusesOnlyItself(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let good = try Corpus.bytes("exiftool/t/images/GPS.jpg")
        let pdf = try Corpus.bytes("exiftool/t/images/PDF.pdf")
        // Cut inside its first segments (Exif): a file cut in its image data is kept, one cut in its metadata refused.
        let cut = Array(good.prefix(500))
        let receipt = try pipeline.ingest([fixture.spool(pdf), fixture.spool(good), fixture.spool(cut)], message: nil)
        #expect(receipt.files.count == 1 && receipt.files.first?.type == "image/jpeg")
        #expect(receipt.refusals.map(\.index) == [0, 2])
        #expect(receipt.refusals.first?.error == .unsupportedType)
        if case .damagedFile = receipt.refusals.last?.error {} else { Issue.record("not refused as damaged: \(receipt.refusals)") }
        #expect(try pipeline.store.files(status: nil).map(\.position) == [0])
        #expect(fixture.files(under: fixture.folder.blobs).count == 1, "\(fixture.files(under: fixture.folder.blobs))")

        let every = #expect(throws: EveryFileRefused.self) {
            try pipeline.ingest([fixture.spool(cut), fixture.spool(pdf)], message: "lost with them")
        }
        #expect(every?.refusals.map(\.index) == [0, 1])
        #expect(try pipeline.store.files(status: nil).count == 1)
        #expect(fixture.files(under: fixture.folder.blobs).count == 1, "left: \(fixture.files(under: fixture.folder.blobs))")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    /// A PCM WAV of `sampleBytes` whose data chunk claims `declaredBytes`.
    static func wave(sampleBytes: Int, declaredBytes: Int? = nil) -> [UInt8] {
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let declared = declaredBytes ?? sampleBytes
        let format: [UInt8] = [1, 0, 2, 0] + le32(44_100) + le32(44_100 * 4) + [4, 0, 16, 0]
        let samples = [UInt8]((0..<sampleBytes).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) })
        return Array("RIFF".utf8) + le32(36 + declared) + Array("WAVEfmt ".utf8) + le32(16) + format
            + Array("data".utf8) + le32(declared) + samples
    }

    @Test("a large file is sealed on a second thread: the blob opens to exactly the cleaned bytes; a damaged one leaves nothing", arguments: StoreBackend.all)
    func backgroundSealing(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let pipeline = try fixture.pipeline()
        let size = Int(IngestPipeline.backgroundSealingSize) + 3_000_000
        let original = Self.wave(sampleBytes: size)
        let receipt = try pipeline.ingest([fixture.spool(original)], message: nil)
        let file = try #require(try pipeline.store.files(status: .pending).first)
        let facts = try #require(try file.opened(with: fixture.identity).facts)
        #expect(receipt.files.first?.cleanedSHA256 == facts.cleanedSHA256)
        let sealed = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(file.blobKey)))
        #expect(file.sealedSHA256 == Hex.encode(SHA256Hasher.hash(sealed)))
        let reader = SealedFileReader(identity: fixture.identity)
        let cleaned = try reader.update(sealed) + reader.finish()
        #expect(cleaned.count == Int(facts.cleanedSize) && cleaned.count >= size)
        #expect(facts.cleanedSHA256 == Hex.encode(SHA256Hasher.hash(cleaned)))
        #expect(Array(cleaned.suffix(1000)) == Array(original.suffix(1000)), "the samples come through unchanged")

        // Cut short of what its data chunk declares: refused after most of it was sealed; no blob, no record.
        let blobsBefore = fixture.files(under: fixture.folder.blobs)
        let cut = Self.wave(sampleBytes: size, declaredBytes: size * 2)
        #expect(throws: EveryFileRefused.self) { try pipeline.ingest([fixture.spool(cut)], message: nil) }
        #expect(fixture.files(under: fixture.folder.blobs) == blobsBefore)
        #expect(try pipeline.store.files(status: nil).count == 1)
    }

    @Test("a phone video with its index after the media data is cleaned in two passes over the encrypted spool", arguments: StoreBackend.all)
    func twoPassVideo(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let original = try Corpus.bytes("metadata-extractor-images/mov/with-gps.mov")
        let pipeline = try fixture.pipeline()
        let receipt = try pipeline.ingest([fixture.spool(original)], message: nil)
        let file = try #require(receipt.files.first)
        #expect(file.type == "video/quicktime")
        #expect(file.originalSHA256 == Hex.encode(SHA256Hasher.hash(original)))
        #expect(file.cleanedSHA256 != file.originalSHA256)
        #expect(!file.removed.isEmpty)
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("the pipeline refuses to start without a reviewer key")
    func needsRecipients() throws {
        let fixture = try CoreFixture()
        for name in fixture.files(under: fixture.folder.recipients) {
            try FileManager.default.removeItem(at: fixture.folder.recipients.appendingPathComponent(name))
        }
        #expect(throws: CoreError.self) { try fixture.pipeline() }
        do {
            _ = try fixture.pipeline()
        } catch {
            #expect("\(error)".contains("evidence-review keygen"))
        }
    }

    @Test("the spool holds only ciphertext, and the leftovers of a crash are removed on start")
    func spoolIsNoise() throws {
        let fixture = try CoreFixture()
        let marker = Array("SPOOL-MARKER-\(UUID().uuidString)".utf8)
        // No memory budget: the upload goes to a spool file.
        let upload = try fixture.spool([0xFF, 0xD8, 0xFF] + marker + marker, budget: SpoolMemoryBudget(total: 0, perUpload: 0))
        let stored = try [UInt8](Data(contentsOf: try #require(upload.url)))
        #expect(stored.firstRange(of: marker) == nil)
        #expect(try upload.openOriginal().read(maxLength: 1 << 20) == [0xFF, 0xD8, 0xFF] + marker + marker)
        try fixture.folder.removeLeftovers()
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
    }

    @Test("small uploads stay in memory, encrypted, within the budget; larger ones go to disk; the budget comes back")
    func spoolMemoryBudget() throws {
        let fixture = try CoreFixture()
        let budget = SpoolMemoryBudget(total: 500_000, perUpload: 450_000)
        let marker = Array("MEMORY-MARKER".utf8)
        let small = marker + [UInt8](repeating: 7, count: 300_000) + marker
        let large = [UInt8]((0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        do {
            let first = try fixture.spool(small, budget: budget)
            #expect(first.url == nil, "300 KB fits the upload's share and the budget")
            #expect(budget.inUse > 300_000)
            // Encrypted in memory too: the marker is not in the bytes kept.
            if case .memory(let memory, _) = first.storage { #expect(memory.bytes.firstRange(of: marker) == nil) }
            let second = try fixture.spool(small, budget: budget)
            #expect(second.url != nil, "a second 300 KB no longer fits the 500 KB budget")
            let third = try fixture.spool(large, budget: budget)
            #expect(third.url != nil, "600 KB is over one upload's share of 450 KB")
            for (upload, bytes) in [(first, small), (second, small), (third, large)] {
                let source = try upload.openOriginal()
                var read: [UInt8] = []
                while case let block = try source.read(maxLength: 100_000), !block.isEmpty { read += block }
                #expect(read == bytes)
                #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
            }
            #expect(fixture.files(under: fixture.folder.spool).count == 2)
            [second, third].forEach { $0.remove() }
        }
        #expect(budget.inUse == 0, "the memory is given back once the uploads are gone")
        #expect(fixture.files(under: fixture.folder.spool).isEmpty)
        // A spool file given up half-way gives its share back too.
        let abandoned = try SpoolFile(in: fixture.folder.spool, sizeLimit: 1 << 20, budget: budget)
        try abandoned.append(small)
        #expect(budget.inUse > 0)
        abandoned.discard()
        #expect(budget.inUse == 0)
    }
}

@Suite(.enabled(if: Corpus.isPresent, "../shared/corpus is absent"))
struct DatabaseFullTests {
    @Test("when the database cannot grow, ingest says the disk is full and leaves no blob and no record")
    func databaseFull() throws {
        let fixture = try CoreFixture()
        let pipeline = try fixture.pipeline()
        // Cap the database at the pages it has now: the next insert fails with SQLITE_FULL, as on a full disk.
        try pipeline.store.database.write { session in
            let pages = try session.row("PRAGMA page_count")!.int(0)
            try session.execute("PRAGMA max_page_count = \(pages)")
        }
        let upload = try fixture.spool(try Corpus.bytes("exiftool/t/images/GPS.jpg"))
        #expect(throws: CoreError.storage("the disk is full (the database could not grow)")) {
            // A long message needs new pages for certain (a small row could fit in a page's free space).
            try pipeline.ingest([upload], message: String(repeating: "seen from the bridge. ", count: 10_000))
        }
        #expect(fixture.files(under: fixture.folder.blobs).isEmpty, "a blob was left behind")
        #expect(try pipeline.store.files(status: .pending).isEmpty)
    }
}

struct FreeSpaceFloorTests {
    @Test("sizes and floors parse as an operator writes them")
    func parsing() {
        #expect(ByteCountText.parse("2GiB") == 2 << 30)
        #expect(ByteCountText.parse("500MB") == 500_000_000)
        #expect(ByteCountText.parse("64k") == 65536)
        #expect(ByteCountText.parse("1000") == 1000)
        #expect(ByteCountText.parse("lots") == nil)
        #expect(FreeSpaceFloor(parsing: "2GiB,5%") == .standard)
        #expect(FreeSpaceFloor(parsing: "5%") == FreeSpaceFloor(bytes: nil, fraction: 0.05))
        #expect(FreeSpaceFloor(parsing: "0") == FreeSpaceFloor.none)
        #expect(FreeSpaceFloor(parsing: "120%") == nil)
        // The smaller part applies, so a small disk stays usable.
        #expect(FreeSpaceFloor.standard.limit(total: 10_000_000_000) == 500_000_000)
        #expect(FreeSpaceFloor.standard.limit(total: 1 << 40) == 2 << 30)
    }

    @Test("the floor is checked while an upload streams: the spool stops when the disk drops below it")
    func checkedWhileStreaming() throws {
        let fixture = try CoreFixture()
        var status = statvfs()
        #expect(statvfs(fixture.folder.spool.path, &status) == 0)
        let available = Int64(status.f_bavail) * Int64(status.f_frsize)
        // A floor 64 MB under what is free now: the upload's own encrypted bytes push the disk below it.
        let floor = FreeSpaceFloor(bytes: available - 64_000_000, fraction: nil)
        let spool = try SpoolFile(in: fixture.folder.spool, sizeLimit: 1 << 40, floor: floor)
        let piece = [UInt8](repeating: 7, count: 1 << 20)
        var written = 0
        let error = #expect(throws: CoreError.self) {
            while written < 512 {
                try spool.append(piece)
                written += 1
            }
        }
        spool.discard()
        #expect(written > 8 && written < 512, "stopped after \(written) MiB")
        #expect(error.map { "\($0)" }?.contains("disk is full") == true)
    }
}
