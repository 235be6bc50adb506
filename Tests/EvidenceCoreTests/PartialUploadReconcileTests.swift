@testable import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Issue 21, item 5: on a flaky network a client resumes from `HEAD` while its dropped PATCH is still open on the
/// server. Whatever order the pieces are kept in, the upload goes on from the longest prefix they make, and
/// finishes byte for byte.
struct PartialUploadReconcileTests {
    static func segments(_ bounds: [(Int64, Int64)]) -> [PartialSegment] {
        bounds.enumerated().map { PartialSegment(start: $0.element.0, end: $0.element.1, location: "piece-\($0.offset)", id: nil) }
    }

    @Test("the chain is the longest prefix the pieces make; a piece another starts inside is read up to that start")
    func chains() {
        let cases: [(pieces: [(Int64, Int64)], chain: [String], used: [Int64])] = [
            // In order, no overlap.
            ([(0, 100), (100, 250)], ["piece-0", "piece-1"], [100, 250]),
            // A stale PATCH kept last and longer than the offset the client resumed from.
            ([(0, 120), (120, 200), (0, 150)], ["piece-2", "piece-1"], [120, 200]),
            // Two from one offset: the longer one.
            ([(0, 100), (100, 180), (100, 300)], ["piece-0", "piece-2"], [100, 300]),
            // A stale piece that covers everything the later ones add.
            ([(0, 50), (50, 90), (0, 400)], ["piece-2"], [400]),
            // A gap: nothing from 200 on, so the piece past it waits (and is dropped: the client resends from 200).
            ([(0, 200), (250, 300)], ["piece-0"], [200]),
            // Nothing from 0.
            ([(10, 20)], [], []),
        ]
        for (pieces, chain, used) in cases {
            let (kept, dropped) = reconciledSegments(Self.segments(pieces))
            #expect(kept.map(\.location) == chain, "\(pieces)")
            #expect(kept.map(\.usedEnd) == used, "\(pieces)")
            #expect(kept.count + dropped.count == pieces.count)
        }
    }

    /// Stale PATCH A takes 150 kB from 0; the client resumes with B from 0, which takes 120 kB and drops; A gets
    /// bytes late and is refused them; the client resumes from HEAD with C. A is kept before or after C begins.
    @Test("a PATCH left open while the client resumes twice: HEAD always answers, and the upload finishes byte for byte", arguments: [false, true])
    func staleWriterAndResumes(staleKeptFirst: Bool) throws {
        for backend in [nil] + StoreBackend.all {
            let fixture = try CoreFixture(backend ?? .sqlite)
            let partials = fixture.partialUploads(shared: backend != nil)
            let bytes = SecureRandom.bytes(count: 500_000)
            let handle = try partials.create(length: Int64(bytes.count))
            let stale = try #require(try partials.append(handle, at: 0))
            try Array(bytes[..<150_000]).withUnsafeBytes { try stale.append($0) }
            let dropped = try #require(try partials.append(handle, at: 0))
            try Array(bytes[..<120_000]).withUnsafeBytes { try dropped.append($0) }
            #expect(try dropped.finish() == 120_000)
            #expect(throws: PartialUploadError.superseded) { try Array(bytes[150_000..<160_000]).withUnsafeBytes { try stale.append($0) } }
            if staleKeptFirst { #expect(try stale.finish() == 150_000) }
            let offset = try #require(try partials.state(handle)?.offset)
            #expect(offset == (staleKeptFirst ? 150_000 : 120_000))
            try PartialUploadsTests.patch(partials, handle, at: offset, Array(bytes[Int(offset)...]))
            if !staleKeptFirst { #expect(try stale.finish() == 150_000) }
            #expect(try partials.state(handle)?.offset == 500_000, "\(String(describing: backend))")
            let upload = try #require(try partials.complete(handle, into: fixture.folder.spool, sizeLimit: 1 << 30)?.spooled)
            #expect(upload.originalSHA256 == Hex.encode(SHA256Hasher.hash(bytes)), "\(String(describing: backend))")
            var read: [UInt8] = []
            let source = try upload.openOriginal()
            while case let block = try source.read(maxLength: 65_536), !block.isEmpty { read += block }
            #expect(read == bytes)
            upload.remove()
        }
    }
}
