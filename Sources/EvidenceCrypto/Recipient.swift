/// One recipient stanza of a sealed-file header: a type byte and a type-specific body.
struct RecipientStanza: Equatable {
    /// Stanza type 0x01: X25519 (docs/FORMAT.md, "X25519 stanza").
    static let x25519Type: UInt8 = 0x01

    let type: UInt8
    let body: [UInt8]
}

/// Something a file can be sealed to: it wraps the file key into a stanza only its identity can open.
protocol SealedFileRecipient {
    func stanza(wrapping fileKey: [UInt8]) throws -> RecipientStanza
}

/// Something that opens sealed files: it recovers the file key from the stanzas addressed to it.
protocol SealedFileIdentity {
    /// Returns the file key, or throws `.noMatchingRecipient` / `.headerAuthenticationFailed`.
    func unwrapFileKey(from stanzas: [RecipientStanza]) throws -> [UInt8]
}
