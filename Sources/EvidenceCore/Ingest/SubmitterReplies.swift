import EvidenceCrypto
import Foundation

/// Reviewers can write back to a submitter, who reads it on the status page with the receipt code. Replies are
/// sealed to a key pair derived from the code itself: the server keeps only the public half, so a reply cannot be
/// read from the server's disk without the code (83 bits), which the server never stores.
public enum SubmitterReplyKey {
    /// Domain separation: this key is used for nothing else.
    static let label = Array("evidence-drop submitter reply key v1".utf8)

    /// The private key for the code, or nil when `code` is not a well-formed receipt code.
    public static func privateKey(receiptCode code: String) -> X25519PrivateKey? {
        guard let digits = ReceiptCode.normalise(code) else { return nil }
        // HMAC-SHA256 as the key-derivation function: the input is already uniformly random digits.
        return try? X25519PrivateKey(rawRepresentation: HMACSHA256.authenticationCode(key: label, message: Array(digits.utf8)))
    }
}

/// A reviewer's reply as the submitter reads it.
public struct SubmitterReply: Sendable, Equatable {
    public let text: String
    /// The hour it was written (UTC, to the hour).
    public let hour: String
}

extension IngestPipeline {
    /// The replies written to the submission of `receiptCode`, decrypted with the key the code derives.
    public func replies(receiptCode: String, submission: SubmissionRecord) throws -> [SubmitterReply] {
        guard let id = submission.id, let identity = SubmitterReplyKey.privateKey(receiptCode: receiptCode) else { return [] }
        return try store.sealedReplies(submissionID: id).map { sealed, _, hour in
            let reader = SealedFileReader(identity: identity)
            return SubmitterReply(text: String(decoding: try reader.update(Array(sealed)) + reader.finish(), as: UTF8.self), hour: hour)
        }
    }
}

extension ReviewDesk {
    /// Longest reply accepted, in bytes: a status page is not a mailbox.
    public static let maxReplyBytes = 4000

    /// Seals `text` to the submitter of `fileID`'s submission, for the status page, and to the reviewers, so that the
    /// team sees what was said (`replies`); records who wrote it.
    public func reply(fileID: Int64, text: String, actor: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CoreError.invalidReviewState("the reply is empty: write it with --message TEXT") }
        guard text.utf8.count <= Self.maxReplyBytes else {
            throw CoreError.invalidReviewState("the reply is \(text.utf8.count) bytes; keep it under \(Self.maxReplyBytes)")
        }
        let file = try store.file(id: fileID)
        guard let raw = try store.submission(id: file.submissionID)?.replyPublicKey else {
            throw CoreError.invalidReviewState(
                "submission \(file.submissionID) was received before replies existed, so it has no key to reply to")
        }
        let reviewers = try folder?.loadRecipients() ?? []
        let writer = try SealedFileWriter(recipients: [try X25519PublicKey(rawRepresentation: Array(raw))] + reviewers)
        let sealed = try writer.update(Array(text.utf8)) + writer.finish()
        try store.addReply(Data(sealed), submissionID: file.submissionID, actor: actor)
    }

    /// The replies to a submission, oldest first, decrypted with a reviewer's `identity`. A reply's text is nil
    /// when it was not sealed to that key: written before replies were sealed to the reviewers too, or before
    /// the key was added.
    public func replies(submissionID: Int64, identity: X25519PrivateKey) throws -> [ReviewerReply] {
        try store.sealedReplies(submissionID: submissionID).map { sealed, actor, hour in
            let reader = SealedFileReader(identity: identity)
            let text = try? reader.update(Array(sealed)) + reader.finish()
            return ReviewerReply(text: text.map { String(decoding: $0, as: UTF8.self) }, actor: actor, hour: hour)
        }
    }
}

/// A reply to a submitter as the reviewers see it.
public struct ReviewerReply: Sendable, Equatable {
    /// nil when it was not sealed to the reviewer's key.
    public let text: String?
    public let actor: String
    public let hour: String
}
