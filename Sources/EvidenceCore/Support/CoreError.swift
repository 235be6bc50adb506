import MediaScrub

/// Errors of the evidence domain, each with a message a person can act on.
public enum CoreError: Error, Equatable, CustomStringConvertible {
    case noRecipients(folder: String)
    case unsupportedType
    case damagedFile(String)
    case fileTooLarge(limit: Int64)
    case noFiles
    case unknownFile(Int64)
    case hashMismatch(fileID: Int64, expected: String, actual: String)
    case blobMissing(String)
    case storage(String)
    case invalidReviewState(String)
    /// The server cannot take the work now (`ScrubError.busy`); the same file may succeed later.
    case busy(String)

    public var description: String {
        switch self {
        case .noRecipients(let folder):
            return "no reviewer public key in \(folder). Make one with `evidence-review keygen --out ~/reviewer.key` (keep the key and its passphrase off this server) and copy reviewer.key.pub into \(folder), or pass --recipient FILE.pub."
        case .unsupportedType:
            return ScrubError.unsupportedType.description
        case .damagedFile(let why):
            return "the file is damaged and cannot be read: \(why)"
        case .fileTooLarge(let limit):
            return "the file is larger than the limit of \(ByteCountText.format(limit))"
        case .noFiles:
            return "no file was attached: choose at least one photo"
        case .unknownFile(let id):
            return "no file with id \(id); `evidence-review list --status all` shows the ids"
        case .hashMismatch(let id, let expected, let actual):
            return "file \(id) decrypted to bytes whose SHA-256 is \(actual), but \(expected) was recorded: the stored copy is damaged"
        case .blobMissing(let key):
            return "the sealed file \(key) is missing from the blob store"
        case .storage(let why):
            return "storage error: \(why)"
        case .invalidReviewState(let why):
            return why
        case .busy(let why):
            return why
        }
    }
}
