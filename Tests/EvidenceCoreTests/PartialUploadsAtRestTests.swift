@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Issue 20 for resumable uploads: whoever seizes the server while uploads are in progress, or complete and not yet
/// named by the form, finds neither a declared length nor a piece's bounds, and cannot add the pieces' sizes up to
/// a file's exact size.
struct PartialUploadsAtRestTests {
    /// Five uploads whose lengths differ by a few bytes, each sent in two PATCHes and complete, not yet claimed.
    static func fiveCompleteUploads(_ partials: PartialUploads) throws -> [(handle: PartialUploads.Handle, bytes: [UInt8])] {
        try (0..<5).map { index in
            let bytes = SecureRandom.bytes(count: 3_000_000 + 4 * index)
            let handle = try partials.create(length: Int64(bytes.count))
            try PartialUploadsTests.patch(partials, handle, at: 0, Array(bytes[..<cut]))
            try PartialUploadsTests.patch(partials, handle, at: Int64(cut), Array(bytes[cut...]))
            #expect(try partials.state(handle)?.offset == Int64(bytes.count))
            return (handle, bytes)
        }
    }

    static let cut = 1_048_576

    /// Each upload still reads back as sent, its padding left out.
    static func expectReadsBack(_ uploads: [(handle: PartialUploads.Handle, bytes: [UInt8])], from partials: PartialUploads, spool: URL) throws {
        for (handle, bytes) in uploads {
            let upload = try #require(try partials.complete(handle, into: spool, sizeLimit: 1 << 30)?.spooled)
            #expect(upload.size == Int64(bytes.count) && upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)))
            let source = try upload.openOriginal()
            var read = 0
            let hasher = SHA256Hasher()
            while case let block = try source.read(maxLength: 100_000), !block.isEmpty {
                hasher.update(block)
                read += block.count
            }
            #expect(read == bytes.count && hasher.finalize() == SHA256Hasher.hash(bytes))
            upload.remove()
        }
    }

    /// The decimal forms of the lengths and the cut, which no name or value at rest may hold.
    static func numbers(of uploads: [(handle: PartialUploads.Handle, bytes: [UInt8])]) -> [String] {
        uploads.map { String($0.bytes.count) } + [String(cut), String(uploads[0].bytes.count - cut)]
    }

    @Test("one node: the upload's folder names no length or offset, and the five uploads' pieces take at most two sizes")
    func folderHoldsNoLength() throws {
        let fixture = try CoreFixture()
        let partials = PartialUploads(spool: fixture.folder.spool)
        let uploads = try Self.fiveCompleteUploads(partials)
        let root = try #require(partials.root)
        var totals: [Int64] = []
        for (handle, _) in uploads {
            let folder = root.appendingPathComponent(handle.id)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(names.filter { $0.hasSuffix(".seg") }.count == 2)
            let info = try String(contentsOf: folder.appendingPathComponent("info.json"), encoding: .utf8)
            for number in Self.numbers(of: uploads) {
                #expect(!names.contains { $0.contains(number) }, "\(names) names \(number)")
                #expect(!info.contains(number), "info.json holds \(number): \(info)")
            }
            totals.append(try names.filter { $0.hasSuffix(".seg") }.reduce(0) { total, name in
                total + Int64(try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as! UInt64)
            })
        }
        #expect(Set(totals).count <= 2, "\(totals)")
        #expect(totals.allSatisfy { $0 > 3_000_016 }, "padded beyond every length: \(totals)")
        try Self.expectReadsBack(uploads, from: partials, spool: fixture.folder.spool)
    }

    @Test("shared by nodes: no column holds a length or an offset, and the five uploads' blobs take at most two sizes", arguments: StoreBackend.all)
    func storeHoldsNoLength(backend: StoreBackend) throws {
        let fixture = try CoreFixture(backend)
        let blobs = LocalBlobStore(root: fixture.folder.blobs)
        let partials = PartialUploads(store: fixture.store, blobs: blobs, spool: fixture.folder.spool)
        let uploads = try Self.fiveCompleteUploads(partials)
        let values = try fixture.store.database.read { session in
            try session.rows("SELECT sealed_length, length FROM partial_upload").map { [try $0.optionalString(0), try $0.optionalInt64(1).map(String.init)] }
                + session.rows("SELECT bounds, start_offset, end_offset FROM partial_segment").map {
                    [try $0.optionalString(0), try $0.optionalInt64(1).map(String.init), try $0.optionalInt64(2).map(String.init)]
                }
        }
        #expect(values.count == 15)
        #expect(values.allSatisfy { $0[0] != nil && $0.dropFirst().allSatisfy { $0 == nil } }, "plain values: \(values)")
        for number in Self.numbers(of: uploads) {
            #expect(!values.joined().contains { $0?.contains(number) == true }, "a column holds \(number)")
        }
        let totals = try uploads.map { handle, _ in
            try fixture.store.partialSegments(uploadID: handle.id).reduce(Int64(0)) { total, piece in
                total + Int64(try FileManager.default.attributesOfItem(atPath: blobs.url(for: piece.location).path)[.size] as! UInt64)
            }
        }
        #expect(Set(totals).count <= 2, "\(totals)")
        try Self.expectReadsBack(uploads, from: partials, spool: fixture.folder.spool)
    }

    @Test("an upload begun before lengths and bounds were sealed, on one node or shared, resumes and completes", arguments: [nil] + StoreBackend.all)
    func legacyUploadResumes(backend: StoreBackend?) throws {
        let fixture = try CoreFixture(backend ?? .sqlite)
        let partials = fixture.partialUploads(shared: backend != nil)
        let bytes = SecureRandom.bytes(count: 400_000)
        let handle = try partials.create(length: Int64(bytes.count))
        try PartialUploadsTests.patch(partials, handle, at: 0, Array(bytes[..<150_000]))
        // Written back as the previous release wrote it: the length and the piece's bounds in the clear.
        if let root = partials.root {
            let folder = root.appendingPathComponent(handle.id)
            let info = folder.appendingPathComponent("info.json")
            var fields = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: info)) as? [String: Any])
            fields["sealedLength"] = nil
            fields["length"] = bytes.count
            try JSONSerialization.data(withJSONObject: fields).write(to: info)
            let piece = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasSuffix(".seg") })
            try FileManager.default.moveItem(at: folder.appendingPathComponent(piece), to: folder.appendingPathComponent("0-150000.seg"))
        } else {
            try fixture.sql("UPDATE partial_upload SET length = ?, sealed_length = NULL", [Int64(bytes.count)])
            try fixture.sql("UPDATE partial_segment SET start_offset = 0, end_offset = 150000, bounds = NULL")
        }
        #expect(try partials.state(handle)?.length == Int64(bytes.count))
        #expect(try partials.state(handle)?.offset == 150_000)
        try PartialUploadsTests.patch(partials, handle, at: 150_000, Array(bytes[150_000...]))
        try Self.expectReadsBack([(handle, bytes)], from: partials, spool: fixture.folder.spool)
    }

    @Test("the padding depends on the padded size and the earlier pieces only, and reaches a Padmé length")
    func paddingReachesPadme() {
        for earlier: Int64 in [0, 1_048_832, 65_552 * 3] {
            for count: Int64 in [1, 15, 16, 17, 65_536, 65_537, 1_000_000, 3_000_000, 3_000_016, 3_014_000] {
                let zeros = PartialUploadPadding.zeros(afterLastPiece: count, earlierSealed: earlier)
                let total = earlier + ChunkedStreamEncryptor.sealedLength(ofPlaintext: count + zeros)
                let target = Int64(Padme.paddedLength(Int(earlier + ChunkedStreamEncryptor.sealedLength(ofPlaintext: count))))
                #expect(zeros >= 0 && total >= target && total - target <= 16, "earlier \(earlier), count \(count)")
                // Any other last piece with the same target ends at the same total.
                let other = count + 3
                let otherTarget = Int64(Padme.paddedLength(Int(earlier + ChunkedStreamEncryptor.sealedLength(ofPlaintext: other))))
                if otherTarget == target {
                    let otherZeros = PartialUploadPadding.zeros(afterLastPiece: other, earlierSealed: earlier)
                    #expect(earlier + ChunkedStreamEncryptor.sealedLength(ofPlaintext: other + otherZeros) == total)
                }
            }
        }
    }
}
