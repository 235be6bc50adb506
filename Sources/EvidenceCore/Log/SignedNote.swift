import EvidenceCrypto
import Foundation

/// A C2SP signed note: text ending in LF, a blank line, and lines "— <key name> <base64(key ID || signature)>".
struct SignedNote {
    static let signaturePrefix = "\u{2014} "

    let text: String
    let signatures: [(name: String, blob: [UInt8])]

    /// Signs `text` with `key` under the verifier key's name.
    static func sign(_ text: String, key: Ed25519PrivateKey, verifier: NoteVerifierKey) -> String {
        let blob = verifier.keyID + key.signature(for: Array(text.utf8))
        return text + "\n" + signaturePrefix + verifier.name + " " + Data(blob).base64EncodedString() + "\n"
    }

    /// Splits a signed note into its text and signature lines, without checking any signature. It works on the
    /// note's UTF-8 bytes, as the format is defined (lines end in a line feed byte), which also keeps a store's
    /// thousands of checkpoints quick to read.
    init(parsing note: String) throws(CheckpointError) {
        let bytes = Array(note.utf8)
        let newline = UInt8(ascii: "\n")
        // The text ends at the last blank line: signature lines are never empty.
        guard let split = bytes.indices.dropLast().last(where: { bytes[$0] == newline && bytes[$0 + 1] == newline }) else {
            throw .malformed("there is no blank line between the text and the signatures")
        }
        text = String(decoding: bytes[...split], as: UTF8.self)
        let signatureBlock = bytes[(split + 2)...]
        guard signatureBlock.last == newline else { throw .malformed("the last signature line does not end with a line feed") }
        var signatures: [(name: String, blob: [UInt8])] = []
        for line in signatureBlock.dropLast().split(separator: newline, omittingEmptySubsequences: false) {
            guard line.starts(with: Self.signaturePrefix.utf8) else {
                throw .malformed("the signature line \"\(String(decoding: line, as: UTF8.self))\" does not start with an em dash and a space")
            }
            let fields = line.dropFirst(Self.signaturePrefix.utf8.count).split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 2, NoteVerifierKey.isValidName(fields[0]),
                let data = Data(base64Encoded: fields[1]), data.count > 4,
                data.base64EncodedString() == fields[1]
            else { throw .malformed("the signature line \"\(String(decoding: line, as: UTF8.self))\" is not \"— name base64\"") }
            signatures.append((fields[0], [UInt8](data)))
        }
        guard !signatures.isEmpty else { throw .malformed("there is no signature line") }
        self.signatures = signatures
    }

    /// Checks the signature by `verifier`; other signers' lines (witness cosignatures) are ignored.
    func verify(by verifier: NoteVerifierKey) throws(CheckpointError) {
        let keyID = verifier.keyID
        let ours = signatures.filter { $0.name == verifier.name && Array($0.blob.prefix(4)) == keyID }
        guard !ours.isEmpty else { throw .notSignedByKey(verifier.name) }
        let message = Array(text.utf8)
        for signature in ours where !verifier.publicKey.isValidSignature(Array(signature.blob.dropFirst(4)), for: message) {
            throw .badSignature(verifier.name)
        }
    }
}
