/// Adds a recipient to an existing sealed file (docs/FORMAT.md, "Granting a file to another key"): the header is
/// rewritten with one more stanza and a new MAC, and the payload bytes pass through unchanged.
///
/// Feed the old file in with `update` and write out what it returns; nothing is returned until the header has been
/// read, opened with `identity` and authenticated. The payload is not decrypted: its bytes, and so any damage in
/// them, come out exactly as they went in.
public final class SealedFileGrant {
    private let identity: X25519PrivateKey
    private let recipient: X25519PublicKey
    private var headerCollector = SealedFileHeaderCollector()
    private var headerWritten = false

    /// Prepares to add `recipient` to a file that `identity` can open.
    public init(identity: X25519PrivateKey, adding recipient: X25519PublicKey) {
        self.identity = identity
        self.recipient = recipient
    }

    /// Takes more of the old file; returns the new header once the old one is complete, then payload bytes as given.
    ///
    /// Throws `.alreadyRecipient` if the file is already sealed to the new key, `.noMatchingRecipient` if `identity`
    /// cannot open it, and `.headerAuthenticationFailed` if its header was altered.
    public func update(_ sealed: UnsafeRawBufferPointer) throws -> [UInt8] {
        if headerWritten { return Array(sealed) }
        guard let (header, payload) = try headerCollector.add(sealed) else { return [] }
        let newHeader = try grantedHeader(header)
        headerWritten = true
        return newHeader + payload
    }

    /// Takes more of the old file and returns the bytes of the new one ready so far.
    public func update(_ sealed: [UInt8]) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Takes more of the old file and returns the bytes of the new one ready so far.
    public func update(_ sealed: ArraySlice<UInt8>) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Checks that the whole header was seen; throws `.truncated` if the old file ended inside it.
    public func finish() throws {
        guard headerWritten else { throw SealedFileError.truncated }
    }

    /// The old version and stanzas as they were, one more for `recipient`, the same payload nonce, and a MAC under the
    /// same file key: the payload key depends only on the file key and the nonce, so the payload stays valid.
    private func grantedHeader(_ header: SealedFileHeader) throws -> [UInt8] {
        let x25519 = header.stanzas.filter { $0.type == RecipientStanza.x25519Type }
        if x25519.contains(where: { Array($0.body[32..<48]) == recipient.keyID }) {
            throw SealedFileError.alreadyRecipient(recipient.fingerprint)
        }
        let fileKey = try identity.unwrapFileKey(from: header.stanzas)
        guard try header.isAuthentic(fileKey: fileKey) else { throw SealedFileError.headerAuthenticationFailed }
        return try SealedFileHeader.encode(
            version: header.version, stanzas: header.stanzas + [recipient.stanza(wrapping: fileKey)],
            payloadNonce: header.payloadNonce, fileKey: fileKey)
    }
}
