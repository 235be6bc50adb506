@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import MediaScrub
import Testing

/// A finished tus upload's SHA-256, carried from PATCH to PATCH instead of read again when it is claimed: it must be
/// the hash of exactly the bytes the upload holds, and whenever the chain of pieces is in doubt it is computed
/// from the pieces as before.
struct RunningUploadHashesTests {
    static func makeSpool() throws -> (root: URL, spool: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("running-hashes-\(UUID().uuidString)")
        let spool = root.appendingPathComponent("spool")
        try FileSystem.makeDirectory(spool)
        return (root, spool)
    }

    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        [0xFF, 0xD8, 0xFF] + (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    /// The bytes a claimed upload reads back, its pieces decrypted in order.
    static func readBack(_ upload: SpooledUpload) throws -> [UInt8] {
        let source = try upload.openOriginal()
        var read: [UInt8] = []
        while case let block = try source.read(maxLength: 65_536), !block.isEmpty { read += block }
        return read
    }

    @Test("PATCHes one after another carry the hash to the end, and the claim takes it from there")
    func hashGoesAlongThePatches() throws {
        let (root, spool) = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: root) }
        let partials = PartialUploads(spool: spool)
        let hashes = try #require(partials.running)
        let bytes = Self.bytes(900_000, seed: 3)
        let handle = try partials.create(length: Int64(bytes.count))
        // Uneven pieces, the first smaller than the sniffer's prefix, as a client on a bad link sends them.
        var offset = 0
        for size in [5, 70_000, 1, 400_000, 429_997] {
            try PartialUploadsTests.patch(partials, handle, at: Int64(offset), Array(bytes[offset..<offset + size]))
            offset += size
            #expect(hashes.continuing(id: handle.id, at: Int64(offset)) != nil, "the hash is known at \(offset)")
        }
        #expect(offset == bytes.count)
        let upload = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        defer { upload.remove() }
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
        #expect(upload.size == Int64(bytes.count))
        // The sniffer's prefix, read across the first pieces.
        #expect(upload.prefix == Array(bytes.prefix(MediaSniffer.prefixLength)))
        #expect(upload.sniffedType == .jpeg)
        #expect(hashes.count == 0, "the claim forgets the hash")
    }

    @Test("a PATCH whose connection dropped keeps what arrived, and the hash goes on from the new offset")
    func droppedPatchKeepsItsHashedBytes() throws {
        let (root, spool) = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: root) }
        let partials = PartialUploads(spool: spool)
        let bytes = Self.bytes(300_000, seed: 5)
        let handle = try partials.create(length: Int64(bytes.count))
        // The request meant to send everything; 123,457 bytes came before the connection dropped.
        let dropped = try #require(try partials.append(handle, at: 0))
        try bytes[..<123_457].withUnsafeBytes { try dropped.append($0) }
        #expect(try dropped.finish() == 123_457)
        // An empty PATCH keeps nothing and leaves the hash where it was.
        let empty = try #require(try partials.append(handle, at: 123_457))
        #expect(try empty.finish() == 123_457)
        try PartialUploadsTests.patch(partials, handle, at: 123_457, Array(bytes[123_457...]))
        #expect(partials.running?.continuing(id: handle.id, at: Int64(bytes.count)) != nil)
        let upload = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        defer { upload.remove() }
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
    }

    @Test("two PATCHes at one offset at once, with different bytes: the hash is forgotten and taken from the pieces kept")
    func overlappingPatchesFallBackToTheKeptPieces() throws {
        let (root, spool) = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: root) }
        let partials = PartialUploads(spool: spool)
        let first = Self.bytes(200_000, seed: 7)
        let length = Int64(first.count + 100_000)
        let handle = try partials.create(length: length)
        try PartialUploadsTests.patch(partials, handle, at: 0, first)
        // A resumed PATCH opens while the dropped one is still open; a hostile client sends other bytes in each.
        let dropped = try #require(try partials.append(handle, at: Int64(first.count)))
        let tailA = [UInt8](repeating: 0xAA, count: 100_000)
        let tailB = [UInt8](repeating: 0xBB, count: 100_000)
        try tailA.withUnsafeBytes { try dropped.append($0) }
        let resumed = try #require(try partials.append(handle, at: Int64(first.count)))
        try tailB.withUnsafeBytes { try resumed.append($0) }
        _ = try resumed.finish()
        _ = try dropped.finish()
        #expect(partials.running?.continuing(id: handle.id, at: length) == nil, "the chain is in doubt: no running hash")
        let upload = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        defer { upload.remove() }
        let held = try Self.readBack(upload)
        #expect(held == first + tailA || held == first + tailB)
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(held)))
    }

    @Test("after a restart (no hash in memory) the claim hashes the pieces, as before")
    func restartFallsBackToReading() throws {
        let (root, spool) = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes = Self.bytes(500_000, seed: 9)
        let before = PartialUploads(spool: spool)
        let handle = try before.create(length: Int64(bytes.count))
        try PartialUploadsTests.patch(before, handle, at: 0, Array(bytes[..<250_000]))
        let after = PartialUploads(spool: spool)
        try PartialUploadsTests.patch(after, handle, at: 250_000, Array(bytes[250_000...]))
        #expect(after.running?.count == 0)
        let upload = try #require(try after.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        defer { upload.remove() }
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
    }

    @Test("removed and expired uploads' hashes are forgotten; past the cap, new uploads are hashed when claimed")
    func hashesAreBounded() throws {
        let (root, spool) = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: root) }
        let partials = PartialUploads(spool: spool, maxAge: 3600)
        let hashes = try #require(partials.running)
        let kept = try partials.create(length: 10)
        let removed = try partials.create(length: 10)
        #expect(hashes.count == 2)
        #expect(try partials.remove(removed))
        #expect(hashes.count == 1)
        #expect(partials.removeExpired(now: Date().addingTimeInterval(3 * 3600)) == 1)
        #expect(hashes.count == 0 && hashes.continuing(id: kept.id, at: 0) == nil)

        let capped = RunningUploads(limit: 2)
        for id in ["a", "b", "c"] { capped.begin(id: id) }
        #expect(capped.count == 2 && capped.continuing(id: "c", at: 0) == nil)
    }
}
