@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

struct PartialUploadsTests {
    /// Appends `bytes` to the upload as one PATCH would.
    static func patch(_ partials: PartialUploads, _ handle: PartialUploads.Handle, at offset: Int64, _ bytes: [UInt8]) throws {
        let writer = try #require(try partials.append(handle, at: offset))
        try bytes.withUnsafeBytes { try writer.append($0) }
        _ = try writer.finish()
    }

    @Test("a finished upload is handed over as received, still encrypted, once; it reads back whole and is removed with the upload")
    func completeHandsOverPieces() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("partials-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let spool = root.appendingPathComponent("spool")
        try FileSystem.makeDirectory(spool)
        let partials = PartialUploads(spool: spool)
        let marker = Array("PARTIAL-MARKER-\(UUID().uuidString)".utf8)
        let bytes = [0xFF, 0xD8, 0xFF] + marker + [UInt8]((0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }) + marker
        let handle = try partials.create(length: Int64(bytes.count))
        let cut = 300_001
        try Self.patch(partials, handle, at: 0, Array(bytes[..<cut]))
        #expect(throws: PartialUploadError.incomplete(received: Int64(cut), length: Int64(bytes.count))) {
            try partials.complete(handle, into: spool, sizeLimit: 1 << 30)
        }
        try Self.patch(partials, handle, at: Int64(cut), Array(bytes[cut...]))
        #expect(throws: CoreError.self) { try partials.complete(handle, into: spool, sizeLimit: 1000) }

        let upload = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
        #expect(upload.size == Int64(bytes.count))
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
        #expect(upload.prefix.starts(with: [0xFF, 0xD8, 0xFF]) && upload.sniffedType == .jpeg)
        // Taken: neither a second completion nor tus can find it any more.
        #expect(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled == nil)
        #expect(try partials.state(handle) == nil)
        // Read twice (a rewind, as two-pass formats do), across the pieces: the same bytes each time.
        let source = try upload.openOriginal() as! SpoolReader
        for _ in 0..<2 {
            var read: [UInt8] = []
            while case let block = try source.read(maxLength: 65_536), !block.isEmpty { read += block }
            #expect(read == bytes)
            try source.rewind()
        }
        let folder = try #require(upload.url)
        let stored = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(stored.filter { $0.hasSuffix(".seg") }.count == 2)
        for name in stored {
            let content = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            #expect(content.firstRange(of: marker) == nil, "\(name) holds plaintext")
        }
        upload.remove()
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path) == ["partial"])
    }
}
