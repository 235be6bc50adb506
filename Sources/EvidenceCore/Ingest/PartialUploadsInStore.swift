import Foundation

/// Partial uploads shared by every node of a deployment: their info and the list of their pieces in the store
/// (PostgreSQL), the pieces themselves as blobs (in the bucket), still encrypted under the client's keys. A claim
/// is one transaction that deletes the upload's rows, so exactly one request on one node gets it.
struct PartialUploadsInStore: PartialUploadBacking {
    let store: EvidenceStore
    let blobs: any BlobStore

    func create(id: String, info: PartialUploads.Info) throws {
        guard let sealedLength = info.sealedLength else { preconditionFailure("a new upload's length is sealed") }
        try store.createPartialUpload(id: id, sealedLength: sealedLength, hour: info.hour, keyCheck: info.keyCheck)
    }

    func info(id: String) throws -> PartialUploads.Info? {
        try store.partialUpload(id: id).map(\.info)
    }

    func segments(id: String, opening: BoundsOpener) throws -> [PartialSegment] {
        let (kept, dropped) = reconciledSegments(try openedSegments(store.partialSegments(uploadID: id), opening: opening))
        var removed: [PartialSegment] = []
        // Also when a later removal fails: the rows already gone leave no blob behind.
        defer { deleteBlobs(of: removed, keeping: kept) }
        for segment in dropped where try store.removePartialSegment(id: segment.id!) { removed.append(segment) }
        return kept
    }

    /// Deletes the blobs of pieces a resumed PATCH replaced. A content-addressed store gives the same bytes the same
    /// key: a kept piece may be that very blob, and then it stays.
    private func deleteBlobs(of dropped: [PartialSegment], keeping kept: [PartialSegment]) {
        for segment in dropped where !kept.contains(where: { $0.location == segment.location }) { try? blobs.delete(segment.location) }
    }

    func makeSink(id: String) throws -> any PartialSegmentSink {
        BlobSegmentSink(writer: try blobs.makeWriter(), blobs: blobs, store: store, uploadID: id)
    }

    func claim(id: String, spool: URL, opening: BoundsOpener) throws -> ClaimedUpload? {
        guard let found = try store.claimPartialUpload(id: id) else { return nil }
        let blobs = blobs
        let discard = { for piece in found { try? blobs.delete(piece.location) } }
        do {
            let (pieces, dropped) = reconciledSegments(try openedSegments(found, opening: opening))
            // Shorter pieces that a resumed PATCH replaced are not part of the upload: they go now.
            deleteBlobs(of: dropped, keeping: pieces)
            return ClaimedUpload(
                makeStorage: { key in
                    .blobs(blobs, pieces.map { SpooledUpload.BlobPiece(blobKey: $0.location, key: key($0.start), length: $0.usedLength) })
                },
                discard: discard)
        } catch {
            discard()
            throw error
        }
    }

    func remove(id: String) throws -> Bool {
        guard let found = try store.claimPartialUpload(id: id) else { return false }
        for piece in found { try? blobs.delete(piece.location) }
        return true
    }

    func count() -> Int {
        (try? store.partialUploadCount()) ?? 0
    }

    func all() -> [(id: String, info: PartialUploads.Info?)] {
        ((try? store.partialUploads()) ?? []).map { ($0.id, $0.info) }
    }
}

/// One PATCH's piece as a blob, recorded against its upload when kept. If the upload was taken or removed meanwhile
/// the blob is deleted again.
final class BlobSegmentSink: PartialSegmentSink {
    private let writer: any BlobWriter
    private let blobs: any BlobStore
    private let store: EvidenceStore
    private let uploadID: String

    init(writer: any BlobWriter, blobs: any BlobStore, store: EvidenceStore, uploadID: String) {
        self.writer = writer
        self.blobs = blobs
        self.store = store
        self.uploadID = uploadID
    }

    func write(_ bytes: [UInt8]) throws { try writer.write(bytes) }

    func keep(label: String) throws {
        let blob = try writer.commit()
        let recorded: Bool
        do {
            recorded = try store.addPartialSegment(uploadID: uploadID, bounds: label, blobKey: blob.key)
        } catch {
            try? blobs.delete(blob.key)
            throw error
        }
        if !recorded { try? blobs.delete(blob.key) }
    }

    func discard() { writer.abort() }
}
