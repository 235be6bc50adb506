import EvidenceCrypto
import Foundation

/// The log as the outside world sees it: signed checkpoints and proofs over the stored entries.
public struct TransparencyLog: Sendable {
    public let store: EvidenceStore
    let key: Ed25519PrivateKey
    /// The checkpoint origin, which is also the signing key's name: "evidence-drop/<first 8 bytes of SHA-256(public key)>".
    public let origin: String

    public init(store: EvidenceStore, key: Ed25519PrivateKey) {
        self.store = store
        self.key = key
        origin = "evidence-drop/" + Hex.encode(SHA256Hasher.hash(key.publicKey.rawRepresentation).prefix(8))
    }

    public init(folder: DataFolder, store: EvidenceStore) throws {
        self.init(store: store, key: try folder.loadLogSigningKey())
    }

    /// "<name>+<key ID>+<base64 key>": what a verifier needs (served at /log/key, printed on start).
    public var verifierKey: NoteVerifierKey {
        // The origin is built from safe characters, so this cannot fail.
        try! NoteVerifierKey(name: origin, publicKey: key.publicKey)
    }

    /// A checkpoint of a log of `size` entries with this root, signed (nil if it cannot be: a checkpoint is a
    /// courtesy on a receipt, never a reason to refuse one).
    func sign(size: Int, root: [UInt8]) -> String? {
        try? signedNote(size: size, root: root)
    }

    private func signedNote(size: Int, root: [UInt8]) throws -> String {
        try Checkpoint.sign(origin: origin, size: size, root: root, key: key, keyName: origin)
    }

    /// A signed checkpoint of the log at `size` entries (the current size by default). Checkpoints of the current
    /// size are stored for later checks; older sizes (asked for by anyone, e.g. for consistency proofs) are not.
    public func checkpoint(size: Int? = nil) throws -> String {
        let current = try store.logSize()
        let size = size ?? current
        if let stored = try store.storedCheckpoint(size: size) { return stored }
        let note = try signedNote(size: size, root: store.logRoot(size: size))
        if size == current { try store.storeCheckpoint(size: size, signedNote: note) }
        return note
    }

    /// The proof that entry `index` is in the log, against a checkpoint of `treeSize` (default: now).
    public func inclusionProof(index: Int, treeSize: Int? = nil) throws -> InclusionProof {
        let size = try treeSize ?? store.logSize()
        guard let entry = try store.logEntries(index..<(index + 1)).first, index < size else {
            throw MerkleTreeError.indexOutOfRange(index: index, treeSize: size)
        }
        return InclusionProof(
            leafIndex: index, treeSize: size, leafHash: Hex.encode(entry.leafHash), entry: entry.text,
            auditPath: try store.inclusionPath(index: index, treeSize: size).map(Hex.encode),
            checkpoint: try checkpoint(size: size), sha256: nil, opening: nil)
    }

    /// The inclusion proof of the "received" entry that commits to this SHA-256 with this opening (the receipt's),
    /// or, without an opening, of the file whose sealed copy has this SHA-256; nil when there is none. An original
    /// or cleaned hash without its opening gets nil, as a hash never received does.
    public func inclusionProof(sha256: String, opening: String? = nil) throws -> InclusionProof? {
        guard let (_, index) = try store.receivedLogIndex(sha256: sha256, opening: opening) else { return nil }
        var proof = try inclusionProof(index: index)
        proof.sha256 = sha256.lowercased()
        proof.opening = opening?.lowercased()
        return proof
    }

    public func consistencyProof(from: Int, to: Int) throws -> ConsistencyProof {
        guard from >= 0, from <= to, to <= (try store.logSize()) else { throw MerkleTreeError.invalidSizes(from: from, to: to) }
        return ConsistencyProof(
            from: from, to: to, proof: try store.consistencyPath(from: from, to: to).map(Hex.encode),
            oldCheckpoint: try checkpoint(size: from), newCheckpoint: try checkpoint(size: to))
    }
}
