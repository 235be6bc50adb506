/// Seals a byte stream to one or more reviewer public keys (format: docs/FORMAT.md).
public final class SealedFileWriter {
    private var header: [UInt8]?
    private let payload: ChunkedStreamEncryptor
    private let payloadKey: [UInt8]

    /// Prepares a sealed file for `recipients`; throws `.noRecipients` if the list is empty.
    public init(recipients: [X25519PublicKey]) throws {
        guard !recipients.isEmpty else { throw SealedFileError.noRecipients }
        let fileKey = SecureRandom.bytes(count: SealedFileHeader.fileKeyLength)
        let payloadNonce = SecureRandom.bytes(count: SealedFileHeader.payloadNonceLength)
        let stanzas = try recipients.map { try $0.stanza(wrapping: fileKey) }
        header = try SealedFileHeader.encode(
            version: SealedFileHeader.unpaddedVersion, stanzas: stanzas, payloadNonce: payloadNonce, fileKey: fileKey)
        payloadKey = try SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: payloadNonce)
        payload = try ChunkedStreamEncryptor(key: payloadKey)
    }

    /// Takes the header out of the output (the next `update` does not begin with it), for a caller that writes it
    /// last: sealed bytes given up before their header is written can never be opened, since the file key that
    /// the header wraps lived only in this writer. Call before the first `update`.
    public func takeHeader() -> [UInt8] {
        precondition(header != nil, "takeHeader after the header went out")
        defer { header = nil }
        return header!
    }

    /// Opens this writer's own payload (the sealed bytes after the header), to read back what it has sealed.
    public func makePayloadReader() throws -> ChunkedStreamDecryptor {
        try ChunkedStreamDecryptor(key: payloadKey)
    }

    /// Takes more plaintext and returns the sealed bytes ready so far; the first output begins with the header.
    public func update(_ plaintext: UnsafeRawBufferPointer) throws -> [UInt8] {
        try withHeader(payload.update(plaintext))
    }

    /// Takes more plaintext and returns the sealed bytes ready so far.
    public func update(_ plaintext: [UInt8]) throws -> [UInt8] {
        try update(plaintext[...])
    }

    /// Takes more plaintext and returns the sealed bytes ready so far; bytes held back for a later chunk are kept
    /// in `plaintext`'s array rather than copied (`ChunkedStreamEncryptor.update(_: ArraySlice)`).
    public func update(_ plaintext: ArraySlice<UInt8>) throws -> [UInt8] {
        try withHeader(payload.update(plaintext))
    }

    /// Returns the remaining sealed bytes, ending with the last chunk.
    public func finish() throws -> [UInt8] {
        try withHeader(payload.finish())
    }

    private func withHeader(_ bytes: [UInt8]) -> [UInt8] {
        guard let pending = header else { return bytes }
        header = nil
        return pending + bytes
    }
}
