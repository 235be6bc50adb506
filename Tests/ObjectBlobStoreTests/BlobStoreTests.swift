import EvidenceCore
import EvidenceCrypto
import Foundation
import ObjectBlobStore
import ObjectStorage
import S3TestSupport
import Testing

/// The BlobStore contract, the same on the local folder and on S3 (against a live server).
@Suite struct BlobStoreTests {
    @Test(arguments: BlobStoreKind.testable)
    func writtenInOddBlocksReadsBackEqual(_ kind: BlobStoreKind) async throws {
        let subject = try await BlobStoreUnderTest.make(kind)
        defer { subject.remove() }
        let blocks = [1, 0, 65_537, 100_003, 7].map { SecureRandom.bytes(count: $0) }
        let bytes = blocks.flatMap { $0 }
        let store = subject.store

        let (announced, blob, readBack, existed, existedAfterDelete) = try await onThread {
            let writer = try store.makeWriter()
            for block in blocks { try writer.write(block) }
            var announced: [String] = []
            let blob = try writer.commit { announced.append($0) }
            let readBack = try readAll(store.openReader(blob.key), maxLength: 10_000)
            let existed = store.exists(blob.key)
            try store.delete(blob.key)
            return (announced, blob, readBack, existed, store.exists(blob.key))
        }
        #expect(announced == [blob.key])
        #expect(blob.size == Int64(bytes.count))
        #expect(blob.sha256 == sha256Hex(bytes))
        #expect(readBack == bytes)
        #expect(existed && !existedAfterDelete)
        let missing = await #expect(throws: CoreError.self) {
            try await onThread { _ = try store.openReader(blob.key) }
        }
        guard case .blobMissing(let key) = missing else {
            Issue.record("opening a deleted blob threw \(String(describing: missing))")
            return
        }
        #expect(key == blob.key)
    }

    @Test(arguments: BlobStoreKind.testable)
    func abortLeavesNothing(_ kind: BlobStoreKind) async throws {
        let subject = try await BlobStoreUnderTest.make(kind)
        defer { subject.remove() }
        let store = subject.store
        // More than one S3 part, so that a multipart upload is under way when it is aborted.
        let s3Key = try await onThread { () -> String? in
            let writer = try store.makeWriter()
            try writer.write(SecureRandom.bytes(count: 6 * BlobStoreUnderTest.mebibyte))
            writer.abort()
            return (writer as? S3BlobWriter)?.key
        }
        switch kind {
        case .local:
            let folder = try #require(subject.folder)
            #expect(try FileManager.default.subpathsOfDirectory(atPath: folder.path) == ["tmp"])
        case .s3:
            let s3 = try #require(store as? S3BlobStore)
            let key = try #require(s3Key)
            #expect(key.hasPrefix(s3.prefix))
            #expect(try await s3.client.headObject(key) == nil)
            #expect(try await s3.client.listMultipartUploads(prefix: s3.prefix).isEmpty)
        }
    }

    /// 24 MiB and a bit, in blocks that do not line up with S3's 5 MiB parts or 3 MiB read ranges.
    @Test(arguments: BlobStoreKind.testable)
    func largeBlobStreamsThroughInParts(_ kind: BlobStoreKind) async throws {
        let subject = try await BlobStoreUnderTest.make(kind)
        defer { subject.remove() }
        let store = subject.store
        let size = 24 * BlobStoreUnderTest.mebibyte + 4_321
        let (written, blob, read, readSize) = try await onThread {
            let writer = try store.makeWriter()
            let sent = SHA256Hasher()
            var remaining = size
            while remaining > 0 {
                let block = SecureRandom.bytes(count: min(remaining, 1_000_003))
                sent.update(block)
                try writer.write(block)
                remaining -= block.count
            }
            let blob = try writer.commit()
            let reader = try store.openReader(blob.key)
            let received = SHA256Hasher()
            var readSize = 0
            while true {
                let block = try reader.read(maxLength: 256 * 1024)
                if block.isEmpty { break }
                received.update(block)
                readSize += block.count
            }
            return (Hex.encode(sent.finalize()), blob, Hex.encode(received.finalize()), readSize)
        }
        #expect(blob.size == Int64(size))
        #expect(blob.sha256 == written)
        #expect(read == written)
        #expect(readSize == size)
        if kind == .s3, let s3 = store as? S3BlobStore {
            #expect(try await s3.client.headObject(blob.key) == Int64(size))
            #expect(try await s3.client.listMultipartUploads(prefix: s3.prefix).isEmpty)
        }
    }
}
