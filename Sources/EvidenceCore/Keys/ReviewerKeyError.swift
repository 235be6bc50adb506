/// Why a reviewer key could not be added, revoked or granted, each with the next step.
public enum ReviewerKeyError: Error, Equatable, CustomStringConvertible {
    /// The name given for a key is empty, too long or holds control characters.
    case invalidName(String)
    /// The key is already one of the keys new files are sealed to.
    case alreadyActive(fingerprint: String, name: String)
    /// The key was revoked; it is not taken back.
    case revoked(fingerprint: String, hour: String?, by: String?)
    /// No reviewer key has this fingerprint.
    case unknownKey(String)
    /// Revoking this key would leave the server with no key to seal new files to.
    case lastActiveKey(String)
    /// The granting reviewer's key does not open this sealed thing ("file 3", "note 5", …).
    case cannotOpen(what: String, fingerprint: String)
    /// Every sealed copy of the file is already sealed to the key.
    case alreadyGranted(fileID: Int64, fingerprint: String)
    /// The file was purged: no sealed copy is left to grant.
    case purged(fileID: Int64)
    /// A sealed copy is not what the database recorded, so it is not rewritten.
    case sealedCopyDiffers(what: String, recorded: String, actual: String)
    /// Another reviewer changed the file (granted or purged it) while this grant ran.
    case changedDuringGrant(fileID: Int64)

    public var description: String {
        switch self {
        case .invalidName(let name):
            return "'\(name)' cannot name a key: use one line of up to \(ReviewerKeys.maximumNameLength) characters"
        case .alreadyActive(let fingerprint, let name):
            return "\(fingerprint) is already an active reviewer key\(name.isEmpty ? "" : " (\(name))"); `evidence-review keys list` shows them all"
        case .revoked(let fingerprint, let hour, let by):
            let when = [hour.map { "at \($0)" }, by.map { "by \($0)" }].compactMap { $0 }.joined(separator: " ")
            return "\(fingerprint) was revoked\(when.isEmpty ? "" : " " + when) and is not taken back; make a new key with `evidence-review keygen --out FILE` and add FILE.pub"
        case .unknownKey(let fingerprint):
            return "no reviewer key has the fingerprint \(fingerprint); `evidence-review keys list` shows them all"
        case .lastActiveKey(let fingerprint):
            return "\(fingerprint) is the last active reviewer key: without it the server could seal new files to nobody; add another key first (`evidence-review keys add FILE.pub`)"
        case .cannotOpen(let what, let fingerprint):
            return "\(what) is not sealed to your key (\(fingerprint)); a reviewer whose key opens it must grant it"
        case .alreadyGranted(let fileID, let fingerprint):
            return "file \(fileID) is already sealed to \(fingerprint); there is nothing to grant"
        case .purged(let fileID):
            return "file \(fileID) was purged: no sealed copy is left to grant"
        case .sealedCopyDiffers(let what, let recorded, let actual):
            return "the sealed copy of \(what) has SHA-256 \(actual), but \(recorded) was recorded; nothing was changed: run `evidence-review verify` and restore it from a backup"
        case .changedDuringGrant(let fileID):
            return "file \(fileID) was changed by someone else while it was being granted; nothing was changed: run the grant again"
        }
    }
}
