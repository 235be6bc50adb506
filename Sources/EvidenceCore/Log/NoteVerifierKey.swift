import EvidenceCrypto
import Foundation

/// A signed-note verifier key, "<name>+<hex key ID>+<base64(0x01 || public key)>" (golang.org/x/mod/sumdb/note); served at /log/key.
public struct NoteVerifierKey: Sendable, Equatable, CustomStringConvertible {
    /// The signature-type byte of Ed25519 in signed notes.
    static let ed25519Type: UInt8 = 0x01

    public let name: String
    public let publicKey: Ed25519PublicKey

    /// Pairs a key name with an Ed25519 public key.
    public init(name: String, publicKey: Ed25519PublicKey) throws(CheckpointError) {
        guard Self.isValidName(name) else { throw .invalidKeyName(name) }
        self.name = name
        self.publicKey = publicKey
    }

    /// Reads the "name+keyid+base64" text form, checking that the key ID matches the name and key.
    public init(parsing text: String) throws(CheckpointError) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw .invalidVerifierKey("it does not have three parts joined by \"+\"") }
        guard Self.isValidName(parts[0]) else { throw .invalidKeyName(parts[0]) }
        guard let data = Data(base64Encoded: parts[2]), data.base64EncodedString() == parts[2] else {
            throw .invalidVerifierKey("the key is not base64")
        }
        let bytes = [UInt8](data)
        guard bytes.count == 33, bytes[0] == Self.ed25519Type, let key = try? Ed25519PublicKey(rawRepresentation: Array(bytes.dropFirst()))
        else { throw .invalidVerifierKey("the key is not an Ed25519 key (type byte 01 and 32 bytes)") }
        try self.init(name: parts[0], publicKey: key)
        guard parts[1] == Hex.encode(keyID) else {
            throw .invalidVerifierKey("the key ID \(parts[1]) does not belong to this name and key (expected \(Hex.encode(keyID)))")
        }
    }

    /// First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
    public var keyID: [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(Array(name.utf8))
        hasher.update([0x0a, Self.ed25519Type])
        hasher.update(publicKey.rawRepresentation)
        return Array(hasher.finalize().prefix(4))
    }

    /// The "name+keyid+base64" text form.
    public var description: String {
        name + "+" + Hex.encode(keyID) + "+" + Data([Self.ed25519Type] + publicKey.rawRepresentation).base64EncodedString()
    }

    /// A key name is non-empty and has no Unicode spaces and no "+".
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}
