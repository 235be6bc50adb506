import EvidenceCrypto
import Foundation

/// A finished resumable upload taken for ingest: its pieces as received (still encrypted under the client's keys),
/// and the scrubbing that went along with its PATCHes, when one did.
public struct CompletedUpload: Sendable {
    public let spooled: SpooledUpload
    let live: LiveScrub?

    /// Whether it was scrubbed as its PATCHes arrived (the scrubbing may still fail and be dropped in `received`).
    public var wasScrubbedLive: Bool { live != nil }

    /// The upload for ingest. When its scrubbing went through every byte and sealed to `recipients` (the
    /// submission's keys), it is recorded as scrubbed, with its pieces as the original to keep. Otherwise that
    /// work is dropped and the upload is scrubbed from its pieces by the ingest, which also names any error
    /// (a damaged file) exactly as for any spooled upload.
    public func received(sealedTo recipients: [X25519PublicKey]?) async -> ReceivedUpload {
        guard let live else { return .spooled(spooled) }
        live.blocks.end()
        // A scrubber that started over (an MP4 with its index last, into an object store) reads the pieces.
        live.offerSpool(spooled)
        guard case .success(let outcome) = await live.result() else { return .spooled(spooled) }
        guard let type = spooled.sniffedType, let recipients,
            recipients.map(\.rawRepresentation) == live.recipients.map(\.rawRepresentation)
        else {
            // Keys added or revoked since the upload began: it is sealed again, to the submission's keys.
            try? live.blobs.delete(outcome.blob.key)
            outcome.journal?.close()
            return .spooled(spooled)
        }
        return .scrubbed(ScrubbedUpload(
            mediaType: type, originalSize: spooled.size, originalSHA256: spooled.originalSHA256,
            cleanedSize: outcome.cleanedSize, cleanedSHA256: outcome.cleanedSHA256, report: outcome.report,
            blob: outcome.blob, original: spooled, blobs: live.blobs, journal: outcome.journal))
    }

    /// Removes the pieces and stops the scrubbing, for a submission refused before its ingest.
    public func discard() {
        live?.abandon()
        spooled.remove()
    }
}
