/// Why a checkpoint could not be signed, read or verified.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    /// A key name must be non-empty, without spaces or "+".
    case invalidKeyName(String)
    /// An origin must be one non-empty line.
    case invalidOrigin(String)
    /// The text is not a signed checkpoint note.
    case malformed(String)
    /// No signature line carries the expected key name and key ID.
    case notSignedByKey(String)
    /// The signature by the expected key does not verify over the checkpoint text.
    case badSignature(String)
    /// A verifier key string ("name+keyid+base64") could not be read.
    case invalidVerifierKey(String)

    public var description: String {
        switch self {
        case .invalidKeyName(let name):
            return "\"\(name)\" cannot be a signing key name: it must be non-empty and contain no spaces or \"+\""
        case .invalidOrigin(let origin):
            return "\"\(origin)\" cannot be a log origin: it must be one non-empty line, such as the server's host name followed by /log"
        case .malformed(let reason):
            return "this is not a signed checkpoint: \(reason)"
        case .notSignedByKey(let name):
            return "the checkpoint carries no signature by the key \"\(name)\"; check that you use the log's current key from /log/key"
        case .badSignature(let name):
            return "the signature by \"\(name)\" does not match the checkpoint text: the checkpoint was altered or forged"
        case .invalidVerifierKey(let reason):
            return "the verifier key is not of the form name+keyid+base64 (as served at /log/key): \(reason)"
        }
    }
}
