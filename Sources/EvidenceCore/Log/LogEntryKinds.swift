import EvidenceCrypto

extension LogEntry {
    /// A file was received: its ids, commitments to its original and cleaned SHA-256 (`FileCommitment`), its
    /// sealed copy's SHA-256 and padded size, its media type and the hour. Nothing in it can be computed from the file.
    public struct Received: Sendable, Equatable {
        public let submissionID: Int64
        public let fileID: Int64
        public let originalCommitment: String
        public let cleanedCommitment: String
        public let sealedSHA256: String
        public let sealedSize: Int64
        /// The MIME type, e.g. "image/jpeg", or "application/octet-stream" for a file of an unknown type.
        public let mediaType: String
        public let hour: String

        public init(
            submissionID: Int64, fileID: Int64, originalCommitment: String, cleanedCommitment: String, sealedSHA256: String,
            sealedSize: Int64, mediaType: String, hour: String
        ) throws(LogEntryError) {
            self.submissionID = try LogField.count("submission", submissionID)
            self.fileID = try LogField.count("file", fileID)
            self.originalCommitment = try LogField.sha256("original-commitment", originalCommitment)
            self.cleanedCommitment = try LogField.sha256("cleaned-commitment", cleanedCommitment)
            self.sealedSHA256 = try LogField.sha256("sealed-sha256", sealedSHA256)
            self.sealedSize = try LogField.count("sealed-size", sealedSize)
            self.mediaType = try LogField.nonEmpty("media-type", mediaType)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A file was received, as version 1 entries (written before commitments) recorded it: the three SHA-256
    /// values and exact sizes in the clear. Read only: old entries cannot be rewritten in an append-only log.
    public struct ReceivedV1: Sendable, Equatable {
        public let submissionID: Int64
        public let fileID: Int64
        public let originalSHA256: String
        public let originalSize: Int64
        public let cleanedSHA256: String
        public let cleanedSize: Int64
        public let sealedSHA256: String
        public let sealedSize: Int64
        /// The MIME type, e.g. "image/jpeg", or "application/octet-stream" for a file of an unknown type.
        public let mediaType: String
        public let hour: String

        /// Checks every value: ids and sizes ≥ 0, hashes 64 lowercase hex digits, hour as `HourStamp` writes it.
        public init(
            submissionID: Int64, fileID: Int64, originalSHA256: String, originalSize: Int64, cleanedSHA256: String,
            cleanedSize: Int64, sealedSHA256: String, sealedSize: Int64, mediaType: String, hour: String
        ) throws(LogEntryError) {
            self.submissionID = try LogField.count("submission", submissionID)
            self.fileID = try LogField.count("file", fileID)
            self.originalSHA256 = try LogField.sha256("original-sha256", originalSHA256)
            self.originalSize = try LogField.count("original-size", originalSize)
            self.cleanedSHA256 = try LogField.sha256("cleaned-sha256", cleanedSHA256)
            self.cleanedSize = try LogField.count("cleaned-size", cleanedSize)
            self.sealedSHA256 = try LogField.sha256("sealed-sha256", sealedSHA256)
            self.sealedSize = try LogField.count("sealed-size", sealedSize)
            self.mediaType = try LogField.nonEmpty("media-type", mediaType)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A reviewer decided on a file; a rejection carries its reason, an approval an optional note (may be empty).
    public struct Reviewed: Sendable, Equatable {
        public let fileID: Int64
        public let decision: Decision
        public let reason: String
        public let actor: String
        public let hour: String

        public init(fileID: Int64, decision: Decision, reason: String, actor: String, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.decision = decision
            self.reason = reason
            self.actor = try LogField.nonEmpty("actor", actor)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A reviewer exported a file.
    public struct Exported: Sendable, Equatable {
        public let fileID: Int64
        public let actor: String
        public let hour: String

        public init(fileID: Int64, actor: String, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.actor = try LogField.nonEmpty("actor", actor)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A reviewer added a note; the log holds the SHA-256 of the note's UTF-8 text, never the text.
    public struct NoteAdded: Sendable, Equatable {
        public let fileID: Int64
        public let noteSHA256: String
        public let actor: String
        public let hour: String

        public init(fileID: Int64, noteSHA256: String, actor: String, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.noteSHA256 = try LogField.sha256("note-sha256", noteSHA256)
            self.actor = try LogField.nonEmpty("actor", actor)
            self.hour = try LogField.hour("hour", hour)
        }

        /// Hashes `noteText` (its UTF-8 bytes) so the note itself stays out of the log.
        public init(fileID: Int64, noteText: String, actor: String, hour: String) throws(LogEntryError) {
            try self.init(
                fileID: fileID, noteSHA256: Hex.encode(SHA256Hasher.hash(Array(noteText.utf8))), actor: actor, hour: hour)
        }
    }

    /// At the submitter's request the original, metadata and all, was sealed and kept beside the cleaned copy; the
    /// commitment is the one of the file's `received` entry.
    public struct OriginalKept: Sendable, Equatable {
        public let fileID: Int64
        public let originalCommitment: String
        public let sealedSHA256: String
        public let sealedSize: Int64
        public let hour: String

        public init(fileID: Int64, originalCommitment: String, sealedSHA256: String, sealedSize: Int64, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.originalCommitment = try LogField.sha256("original-commitment", originalCommitment)
            self.sealedSHA256 = try LogField.sha256("sealed-sha256", sealedSHA256)
            self.sealedSize = try LogField.count("sealed-size", sealedSize)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// `OriginalKept` as version 1 entries recorded it, with the original's SHA-256 in the clear. Read only.
    public struct OriginalKeptV1: Sendable, Equatable {
        public let fileID: Int64
        public let originalSHA256: String
        public let sealedSHA256: String
        public let sealedSize: Int64
        public let hour: String

        public init(fileID: Int64, originalSHA256: String, sealedSHA256: String, sealedSize: Int64, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.originalSHA256 = try LogField.sha256("original-sha256", originalSHA256)
            self.sealedSHA256 = try LogField.sha256("sealed-sha256", sealedSHA256)
            self.sealedSize = try LogField.count("sealed-size", sealedSize)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A file's sealed copy was deleted, by a reviewer or by the server ("server").
    public struct Deleted: Sendable, Equatable {
        public let fileID: Int64
        public let reason: String
        public let actor: String
        public let hour: String

        public init(fileID: Int64, reason: String, actor: String, hour: String) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.reason = reason
            self.actor = try LogField.nonEmpty("actor", actor)
            self.hour = try LogField.hour("hour", hour)
        }
    }

    /// A sealed copy of the file was re-wrapped to one more reviewer key: a new header, the same payload bytes, so a
    /// new sealed SHA-256. The entries of a copy chain from its first sealed SHA-256 to the one stored now.
    public struct Granted: Sendable, Equatable {
        /// Which sealed copy: the cleaned file, or the original kept at the submitter's request.
        public enum Copy: String, Sendable, Equatable {
            case cleaned, original
        }

        public let fileID: Int64
        public let copy: Copy
        public let previousSealedSHA256: String
        public let sealedSHA256: String
        public let sealedSize: Int64
        /// The fingerprint of the key added, e.g. "sha256:79927dd4b103092dc735e83eda53a5f7".
        public let recipient: String
        public let actor: String
        public let hour: String

        public init(
            fileID: Int64, copy: Copy, previousSealedSHA256: String, sealedSHA256: String, sealedSize: Int64, recipient: String,
            actor: String, hour: String
        ) throws(LogEntryError) {
            self.fileID = try LogField.count("file", fileID)
            self.copy = copy
            self.previousSealedSHA256 = try LogField.sha256("previous-sealed-sha256", previousSealedSHA256)
            self.sealedSHA256 = try LogField.sha256("sealed-sha256", sealedSHA256)
            self.sealedSize = try LogField.count("sealed-size", sealedSize)
            self.recipient = try LogField.fingerprint("recipient", recipient)
            self.actor = try LogField.nonEmpty("actor", actor)
            self.hour = try LogField.hour("hour", hour)
        }
    }
}
