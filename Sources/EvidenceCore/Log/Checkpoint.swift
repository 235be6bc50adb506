import EvidenceCrypto
import Foundation

/// A C2SP tlog-checkpoint: the log's origin, tree size and root hash, carried in an Ed25519 signed note.
public struct Checkpoint: Sendable, Equatable {
    public let origin: String
    public let size: Int
    public let rootHash: [UInt8]

    /// The checkpoint body: "<origin>\n<size>\n<base64 root hash>\n".
    public var body: String {
        origin + "\n" + String(size) + "\n" + Data(rootHash).base64EncodedString() + "\n"
    }

    /// Signs a checkpoint and returns the signed note text, as served at /log/checkpoint.
    public static func sign(origin: String, size: Int, root: [UInt8], key: Ed25519PrivateKey, keyName: String) throws(CheckpointError) -> String {
        guard !origin.isEmpty, !origin.contains("\n"), !origin.contains("\r") else { throw .invalidOrigin(origin) }
        guard size >= 0, root.count == MerkleTree.hashLength else {
            throw .malformed("a checkpoint needs a size of 0 or more and a 32-byte root hash")
        }
        let verifier = try NoteVerifierKey(name: keyName, publicKey: key.publicKey)
        return SignedNote.sign(Checkpoint(origin: origin, size: size, rootHash: root).body, key: key, verifier: verifier)
    }

    /// Reads the checkpoint in a signed note without checking its signature.
    public static func parse(_ text: String) throws(CheckpointError) -> Checkpoint {
        try Checkpoint(body: SignedNote(parsing: text).text)
    }

    /// Reads the checkpoint in a signed note and checks the signature by `keyName` with `publicKey`.
    public static func verify(_ text: String, publicKey: Ed25519PublicKey, keyName: String) throws(CheckpointError) -> Checkpoint {
        try verify(text, verifier: NoteVerifierKey(name: keyName, publicKey: publicKey))
    }

    /// Reads the checkpoint in a signed note and checks the signature by `verifier`.
    public static func verify(_ text: String, verifier: NoteVerifierKey) throws(CheckpointError) -> Checkpoint {
        let note = try SignedNote(parsing: text)
        try note.verify(by: verifier)
        return try Checkpoint(body: note.text)
    }

    private init(origin: String, size: Int, rootHash: [UInt8]) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
    }

    /// Parses a body; extension lines after the root hash are allowed and ignored, as C2SP tlog-checkpoint requires.
    private init(body: String) throws(CheckpointError) {
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw .malformed("the body needs an origin, a tree size and a root hash line") }
        guard !lines[0].isEmpty else { throw .malformed("the origin line is empty") }
        guard let size = Int(lines[1]), size >= 0, String(size) == lines[1] else {
            throw .malformed("the tree size \"\(lines[1])\" is not a decimal number")
        }
        guard let root = Data(base64Encoded: lines[2]), root.count == MerkleTree.hashLength, root.base64EncodedString() == lines[2] else {
            throw .malformed("the root hash \"\(lines[2])\" is not 32 bytes in base64")
        }
        guard !lines.dropFirst(3).contains("") else { throw .malformed("an extension line is empty") }
        self.init(origin: lines[0], size: size, rootHash: [UInt8](root))
    }
}
