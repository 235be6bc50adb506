import EvidenceCrypto

/// What the public log says of a file's SHA-256 instead of the hash itself (docs/TRANSPARENCY-LOG.md, "Commitments"):
/// SHA-256 over a tag, a random 32-byte opening and the raw hash. Without the opening, a commitment tells nothing
/// about the file (someone who holds the file cannot find it in the log); with it, the file's holder proves the
/// file was received. The opening goes to the submitter (the receipt) and, sealed, to the reviewers.
public enum FileCommitment {
    /// Which of a file's hashes a commitment is to.
    public enum Kind: String, Sendable, CaseIterable {
        case original, cleaned

        var tag: [UInt8] { Array("evidence-drop/v2 \(rawValue)-commitment\n".utf8) }
    }

    public static let openingLength = 32

    /// A new opening for one file, as 64 lowercase hex digits.
    public static func newOpening() -> String {
        Hex.encode(SecureRandom.bytes(count: openingLength))
    }

    /// The commitment to `sha256` under `opening` (both 64 hex digits, either case), as 64 lowercase hex digits;
    /// nil when either is not 32 bytes of hex.
    public static func commitment(_ kind: Kind, opening: String, sha256: String) -> String? {
        guard let open = Hex.decode(opening), open.count == openingLength,
            let hash = Hex.decode(sha256), hash.count == 32
        else { return nil }
        return Hex.encode(SHA256Hasher.hash(kind.tag + open + hash))
    }
}
