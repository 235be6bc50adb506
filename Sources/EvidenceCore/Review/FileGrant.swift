import Foundation

/// A small sealed thing kept in the database and sealed to the reviewers: a submitter's message or a reviewer's note.
enum SealedText: Sendable, Equatable {
    /// The message sent with the submission (`submission.sealed_message`).
    case firstMessage(submissionID: Int64)
    /// A message added later from the status page (`submission_message`).
    case laterMessage(id: Int64)
    case note(id: Int64)
    /// The file's hashes, sizes and removal report (`file.sealed_facts`).
    case facts(fileID: Int64)

    /// How a person refers to it, in errors.
    var description: String {
        switch self {
        case .firstMessage(let submissionID): "the submitter's message of submission \(submissionID)"
        case .laterMessage(let id): "a later message of the submitter (\(id))"
        case .note(let id): "note \(id)"
        case .facts(let fileID): "the sealed facts of file \(fileID)"
        }
    }
}

/// Everything a grant rewrote for one file, recorded in one transaction.
struct FileGrant {
    let fileID: Int64
    /// The new key's fingerprint.
    let recipient: String
    /// The blob keys the grant read from: if the record no longer names them, someone else changed the file meanwhile.
    let previousBlobKey: String
    let previousOriginalBlobKey: String?
    /// The re-wrapped copies; nil for a copy that was already sealed to the key.
    let cleaned: StoredBlob?
    let original: StoredBlob?
    let texts: [(SealedText, Data)]
}
