/// Why a sealed file (or a chunked stream) could not be written or opened.
public enum SealedFileError: Error, Equatable, CustomStringConvertible {
    /// The bytes do not start with the sealed-file magic.
    case notASealedFile
    /// The file uses a format version this program does not know.
    case unsupportedVersion(UInt8)
    /// A sealed file was requested with no recipients.
    case noRecipients
    /// None of the header's recipient stanzas is for the identity in use.
    case noMatchingRecipient
    /// The header was altered or damaged (its MAC, or the stanza addressed to us, does not verify).
    case headerAuthenticationFailed
    /// Chunk `chunk` (counted from 0) was altered, damaged, reordered, or is an invalid empty last chunk.
    case chunkAuthenticationFailed(chunk: Int)
    /// The data ends before the chunk marked as last.
    case truncated
    /// Bytes follow the chunk marked as last.
    case trailingData
    /// The header's structure is invalid; the text says where.
    case malformedHeader(String)
    /// A version-2 payload does not end with the padding the format prescribes; the text says how.
    case malformedPadding(String)
    /// A recipient was to be added to a file already sealed to that key (its fingerprint).
    case alreadyRecipient(String)

    public var description: String {
        switch self {
        case .notASealedFile:
            return "this is not an evidence-drop sealed file"
        case .unsupportedVersion(let version):
            return "this sealed file uses format version \(version), which this program does not support; update it"
        case .noRecipients:
            return "a file cannot be sealed without at least one recipient public key"
        case .noMatchingRecipient:
            return "this file was not sealed to your key"
        case .headerAuthenticationFailed:
            return "the sealed file's header failed authentication: the file is damaged or was altered"
        case .chunkAuthenticationFailed(let chunk):
            return "chunk \(chunk) failed authentication: the file is damaged or was altered"
        case .truncated:
            return "the file is truncated: its last chunk is missing"
        case .trailingData:
            return "unexpected data follows the end of the sealed file"
        case .malformedHeader(let reason):
            return "the sealed file's header is malformed: \(reason)"
        case .malformedPadding(let reason):
            return "the sealed file's padding is malformed: \(reason)"
        case .alreadyRecipient(let fingerprint):
            return "this file is already sealed to \(fingerprint); there is nothing to add"
        }
    }
}
