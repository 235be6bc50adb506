import Foundation
import MediaScrub

/// A file of a submission once its last byte is in: still to be scrubbed (spooled), or already scrubbed and
/// sealed while it arrived. `IngestPipeline.ingest` records either kind.
public enum ReceivedUpload: Sendable {
    case spooled(SpooledUpload)
    case scrubbed(ScrubbedUpload)

    public var sniffedType: MediaType? {
        switch self {
        case .spooled(let upload): upload.sniffedType
        case .scrubbed(let upload): upload.mediaType
        }
    }

    /// Removes what is no longer needed once the file is recorded (or its blob removed): the spool, the journal.
    func release() {
        switch self {
        case .spooled(let upload): upload.remove()
        case .scrubbed(let upload): upload.release()
        }
    }

    /// Removes everything it holds: the spooled bytes, and a scrubbed file's blob. For a submission refused before
    /// it was recorded.
    public func discard() {
        switch self {
        case .spooled(let upload): upload.remove()
        case .scrubbed(let upload): upload.discard()
        }
    }
}

/// A file scrubbed, hashed and sealed while it arrived (`ArrivingUpload`): its blob is written and named in a
/// crash journal of its own, and not recorded yet.
public struct ScrubbedUpload: Sendable {
    public let mediaType: MediaType
    public let originalSize: Int64
    public let originalSHA256: String
    public let cleanedSize: Int64
    public let cleanedSHA256: String
    public let report: RemovalReport
    public let blob: StoredBlob
    /// The original, spooled under a key that exists only in memory, when the submitter may still ask to keep it.
    public let original: SpooledUpload?
    let blobs: any BlobStore
    let journal: IngestJournal?

    /// Removes the spooled original and the crash journal, once the file is recorded or its blob removed.
    func release() {
        original?.remove()
        journal?.close()
    }

    /// Removes the blob too.
    public func discard() {
        try? blobs.delete(blob.key)
        release()
    }
}
