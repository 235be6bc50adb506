/// The X25519 stanza: ephemeral-static key agreement, HKDF-SHA256, and the file key wrapped with AES-256-GCM.
///
/// Body (96 bytes): ephemeral public key (32) || recipient key id (16) || wrapped file key (32 + 16-byte tag).
enum X25519Stanza {
    static let bodyLength = 32 + 16 + 32 + AESGCM.tagLength
    static let wrapInfo = Array("evidence-drop/v1 X25519".utf8)
    /// The wrap key is used exactly once, so a fixed all-zero nonce is safe.
    static let wrapNonce = [UInt8](repeating: 0, count: AESGCM.nonceLength)

    static func wrapKey(sharedSecret: [UInt8], ephemeralPublicKey: [UInt8], recipientPublicKey: [UInt8]) throws -> [UInt8] {
        try HKDFSHA256.deriveKey(
            inputKeyMaterial: sharedSecret, salt: ephemeralPublicKey + recipientPublicKey, info: wrapInfo, length: 32)
    }
}

extension X25519PublicKey: SealedFileRecipient {
    func stanza(wrapping fileKey: [UInt8]) throws -> RecipientStanza {
        let ephemeral = X25519PrivateKey.generate()
        let ephemeralPublicKey = ephemeral.publicKey.rawRepresentation
        let sharedSecret = try X25519.sharedSecret(privateKey: ephemeral.rawRepresentation, publicKey: rawRepresentation)
        let wrapKey = try X25519Stanza.wrapKey(
            sharedSecret: sharedSecret, ephemeralPublicKey: ephemeralPublicKey, recipientPublicKey: rawRepresentation)
        let wrapped = try AESGCM(key: wrapKey, encrypting: true).seal(fileKey, nonce: X25519Stanza.wrapNonce)
        return RecipientStanza(type: RecipientStanza.x25519Type, body: ephemeralPublicKey + keyID + wrapped)
    }
}

extension X25519PrivateKey: SealedFileIdentity {
    func unwrapFileKey(from stanzas: [RecipientStanza]) throws -> [UInt8] {
        let ownPublicKey = publicKey
        let ownKeyID = ownPublicKey.keyID
        let candidates = stanzas.filter { $0.type == RecipientStanza.x25519Type }
        // Stanzas carrying our key id first; the rest are tried too, so a damaged key id is reported as damage.
        let addressedToUs = candidates.filter { Array($0.body[32..<48]) == ownKeyID }
        let others = candidates.filter { Array($0.body[32..<48]) != ownKeyID }
        for stanza in addressedToUs + others {
            if let fileKey = try unwrap(stanza, ownPublicKey: ownPublicKey) { return fileKey }
        }
        throw addressedToUs.isEmpty ? SealedFileError.noMatchingRecipient : SealedFileError.headerAuthenticationFailed
    }

    private func unwrap(_ stanza: RecipientStanza, ownPublicKey: X25519PublicKey) throws -> [UInt8]? {
        let ephemeralPublicKey = Array(stanza.body[0..<32])
        let wrapped = Array(stanza.body[48...])
        // A degenerate ephemeral key cannot come from an honest writer; treat the stanza as not ours.
        guard let sharedSecret = try? X25519.sharedSecret(privateKey: rawRepresentation, publicKey: ephemeralPublicKey) else {
            return nil
        }
        let wrapKey = try X25519Stanza.wrapKey(
            sharedSecret: sharedSecret, ephemeralPublicKey: ephemeralPublicKey, recipientPublicKey: ownPublicKey.rawRepresentation)
        return try AESGCM(key: wrapKey, encrypting: false).open(wrapped, nonce: X25519Stanza.wrapNonce)
    }
}
