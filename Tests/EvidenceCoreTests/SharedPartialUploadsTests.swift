@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Resumable uploads kept in the store and the blob store, as nodes sharing one deployment keep them: another
/// handle on the same database (another node) sees, continues and finishes an upload, exactly once.
struct SharedPartialUploadsTests {
    @Test("an upload begun through one handle continues and finishes through another; its pieces are ciphertext; it is taken once", arguments: StoreBackend.all)
    func continuesOnAnotherNode(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let blobs = LocalBlobStore(root: fixture.folder.blobs)
        let nodeA = PartialUploads(store: fixture.store, blobs: blobs, spool: fixture.folder.spool)
        let nodeB = PartialUploads(store: try fixture.anotherStore(), blobs: blobs, spool: fixture.folder.spool)
        let marker = Array("SHARED-PARTIAL-\(UUID().uuidString)".utf8)
        let bytes = [0xFF, 0xD8, 0xFF] + marker + [UInt8]((0..<500_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }) + marker
        let handle = try nodeA.create(length: Int64(bytes.count))
        let cut = 200_003
        try PartialUploadsTests.patch(nodeA, handle, at: 0, Array(bytes[..<cut]))
        // The other node sees where it stands, refuses a wrong offset and a wrong secret, and takes the rest.
        #expect(try nodeB.state(handle)?.offset == Int64(cut))
        #expect(throws: PartialUploadError.wrongOffset(expected: Int64(cut))) { try nodeB.append(handle, at: 0) }
        let wrongSecret = try #require(PartialUploads.Handle(token: handle.id + "-" + String(repeating: "ab", count: 32)))
        #expect(try nodeB.state(wrongSecret) == nil)
        try PartialUploadsTests.patch(nodeB, handle, at: Int64(cut), Array(bytes[cut...]))
        // The pieces at rest are blobs holding no plaintext.
        for name in fixture.files(under: fixture.folder.blobs) {
            let content = try [UInt8](Data(contentsOf: fixture.folder.blobs.appendingPathComponent(name)))
            #expect(content.firstRange(of: marker) == nil, "\(name) holds plaintext")
        }
        let upload = try #require(try nodeA.complete(handle, into: fixture.folder.spool, sizeLimit: 1 << 30)?.spooled)
        #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
        #expect(upload.sniffedType == .jpeg)
        #expect(try nodeB.complete(handle, into: fixture.folder.spool, sizeLimit: 1 << 30)?.spooled == nil, "taken once only")
        var read: [UInt8] = []
        let source = try upload.openOriginal()
        while case let block = try source.read(maxLength: 65_536), !block.isEmpty { read += block }
        #expect(read == bytes)
        upload.remove()
        #expect(fixture.files(under: fixture.folder.blobs).filter { !$0.hasPrefix("tmp/") }.isEmpty, "the pieces are deleted with the upload")
    }

    @Test("termination and expiry remove the record and the pieces", arguments: StoreBackend.all)
    func terminationAndExpiry(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let blobs = LocalBlobStore(root: fixture.folder.blobs)
        let partials = PartialUploads(store: fixture.store, blobs: blobs, spool: fixture.folder.spool)
        let ended = try partials.create(length: 100)
        try PartialUploadsTests.patch(partials, ended, at: 0, [UInt8](repeating: 1, count: 40))
        #expect(try partials.remove(ended))
        #expect(try partials.state(ended) == nil)
        #expect(try !partials.remove(ended))
        let old = try partials.create(length: 100)
        try PartialUploadsTests.patch(partials, old, at: 0, [UInt8](repeating: 2, count: 40))
        #expect(partials.removeExpired() == 0)
        #expect(partials.removeExpired(now: Date().addingTimeInterval(26 * 3600)) == 1)
        #expect(try partials.state(old) == nil)
        #expect(fixture.files(under: fixture.folder.blobs).filter { !$0.hasPrefix("tmp/") }.isEmpty)
    }

    @Test("a PATCH resumed while the dropped one was still open: the longer piece is kept, the other's blob goes, whether the two are alike or not", arguments: StoreBackend.all)
    func overlappingPatches(backend: StoreBackend) throws {
        for alike in [false, true] {
            let fixture = try CoreFixture(backend)
            let blobs = LocalBlobStore(root: fixture.folder.blobs)
            let partials = PartialUploads(store: fixture.store, blobs: blobs, spool: fixture.folder.spool)
            let bytes = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let handle = try partials.create(length: Int64(bytes.count))
            try PartialUploadsTests.patch(partials, handle, at: 0, Array(bytes[..<100_000]))
            // Both opened at the same offset, before either finished: the first stops taking bytes once the second
            // opens, and keeps what it took.
            let dropped = try #require(try partials.append(handle, at: 100_000))
            try Array(bytes[100_000..<(alike ? 300_000 : 180_000)]).withUnsafeBytes { try dropped.append($0) }
            let resumed = try #require(try partials.append(handle, at: 100_000))
            #expect(throws: PartialUploadError.superseded) { try Array(bytes[180_000..<190_000]).withUnsafeBytes { try dropped.append($0) } }
            try Array(bytes[100_000...]).withUnsafeBytes { try resumed.append($0) }
            _ = try dropped.finish()
            _ = try resumed.finish()
            #expect(try partials.state(handle)?.offset == 300_000)
            let upload = try #require(try partials.complete(handle, into: fixture.folder.spool, sizeLimit: 1 << 30)?.spooled)
            #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)), "alike: \(alike)")
            upload.remove()
            #expect(fixture.files(under: fixture.folder.blobs).filter { !$0.hasPrefix("tmp/") }.isEmpty, "alike: \(alike)")
        }
    }
}
