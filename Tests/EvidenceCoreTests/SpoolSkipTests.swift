@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// A spooled upload passes over bytes by seeking to the chunk they end in (a skim for an MP4's index), and reads
/// on from there exactly as if it had read through.
struct SpoolSkipTests {
    static func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131) ^ ($0 >> 9) &+ seed) }
    }

    /// The same upload kept three ways: one spool file, in memory, and as tus pieces of uneven sizes (one of them
    /// exactly a chunk long, one a single byte).
    static func storages(of bytes: [UInt8], in spool: URL) throws -> [(String, SpooledUpload)] {
        let onDisk = try SpoolFile(in: spool, sizeLimit: 1 << 30, budget: SpoolMemoryBudget(total: 0, perUpload: 0))
        try onDisk.append(bytes)
        let inMemory = try SpoolFile(in: spool, sizeLimit: 1 << 30, budget: SpoolMemoryBudget(total: 64 << 20, perUpload: 64 << 20))
        try inMemory.append(bytes)
        let partials = PartialUploads(spool: spool)
        let handle = try partials.create(length: Int64(bytes.count))
        var offset = 0
        for size in [ChunkedStreamDecryptor.chunkSize, 1, 300_000, 70_001] {
            try PartialUploadsTests.patch(partials, handle, at: Int64(offset), Array(bytes[offset..<offset + size]))
            offset += size
        }
        try PartialUploadsTests.patch(partials, handle, at: Int64(offset), Array(bytes[offset...]))
        let pieces = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        let file = try onDisk.finish()
        let memory = try inMemory.finish()
        #expect(file.url != nil && memory.url == nil)
        return [("file", file), ("memory", memory), ("pieces", pieces)]
    }

    @Test("reads and skips of every size, across chunks and pieces, give the bytes a plain read gives")
    func skipsMatchReads() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spool-skip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileSystem.makeDirectory(root)
        let bytes = Self.bytes(1_000_003, seed: 1)
        // Every length, read and skipped, in an order that differs per round (a fixed walk, so a failure repeats).
        let lengths = [1, 17, 4096, 65_535, 65_536, 65_537, 200_000, 333_333]
        for (name, upload) in try Self.storages(of: bytes, in: root) {
            defer { upload.remove() }
            let reader = try #require(try upload.openOriginal() as? SpoolReader)
            for round in 0..<3 {
                var position = 0
                var mismatches = 0
                var step = 0
                while position < bytes.count {
                    step += 1
                    let length = lengths[(step * 5 + round) % lengths.count]
                    if (step + round) % 3 != 0 {
                        let skipped = try reader.skip(length)
                        if skipped != min(length, bytes.count - position) { mismatches += 1 }
                        position += skipped
                    } else {
                        let block = try reader.read(maxLength: length)
                        if block.isEmpty || block[...] != bytes[position..<position + block.count] { mismatches += 1 }
                        position += block.count
                    }
                    if mismatches > 0 { break }
                }
                #expect(mismatches == 0, "\(name), round \(round): went wrong at \(position)")
                #expect(try reader.skip(10) == 0 && reader.read(maxLength: 10).isEmpty, "\(name): the end is the end")
                try reader.rewind()
            }
        }
    }

    @Test("a skip seeks: a damaged chunk passed over is not read, while a read through it is refused")
    func skipSeeksOverChunks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spool-skip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileSystem.makeDirectory(root)
        let bytes = Self.bytes(10 * ChunkedStreamDecryptor.chunkSize + 123, seed: 2)
        let upload = try Self.storages(of: bytes, in: root)[0].1
        defer { upload.remove() }
        // Damage the fourth chunk on disk.
        let url = try #require(upload.url)
        let handle = try FileHandle(forUpdating: url)
        try handle.seek(toOffset: UInt64(3 * ChunkedStreamDecryptor.sealedChunkSize + 100))
        try handle.write(contentsOf: Data([0x55, 0xAA]))
        try handle.close()

        let skipping = try #require(try upload.openOriginal() as? SpoolReader)
        #expect(try skipping.read(maxLength: 1000) == Array(bytes[..<1000]))
        let target = 6 * ChunkedStreamDecryptor.chunkSize + 5
        #expect(try skipping.skip(target - 1000) == target - 1000)
        var rest: [UInt8] = []
        while case let block = try skipping.read(maxLength: 65_536), !block.isEmpty { rest += block }
        #expect(rest == Array(bytes[target...]))

        let reading = try #require(try upload.openOriginal() as? SpoolReader)
        #expect(throws: (any Error).self) {
            while try !reading.read(maxLength: 65_536).isEmpty {}
        }
    }
}

