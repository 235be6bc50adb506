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

    /// Splits a signed note into its text and signature lines, without checking any signature.
    init(parsing note: String) throws(CheckpointError) {
        guard let split = note.range(of: "\n\n", options: .backwards) else {
            throw .malformed("there is no blank line between the text and the signatures")
        }
        text = String(note[..<split.lowerBound]) + "\n"
        let signatureBlock = note[split.upperBound...]
        guard signatureBlock.hasSuffix("\n") else { throw .malformed("the last signature line does not end with a line feed") }
        var signatures: [(name: String, blob: [UInt8])] = []
        for line in signatureBlock.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix(Self.signaturePrefix) else {
                throw .malformed("the signature line \"\(line)\" does not start with an em dash and a space")
            }
            let fields = line.dropFirst(Self.signaturePrefix.count).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, NoteVerifierKey.isValidName(String(fields[0])),
                let data = Data(base64Encoded: String(fields[1])), data.count > 4,
                data.base64EncodedString() == fields[1]
            else { throw .malformed("the signature line \"\(line)\" is not \"— name base64\"") }
            signatures.append((String(fields[0]), [UInt8](data)))
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
