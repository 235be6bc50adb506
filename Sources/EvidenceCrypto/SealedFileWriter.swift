/// Seals a byte stream to one or more reviewer public keys (format: docs/FORMAT.md).
public final class SealedFileWriter {
    private var header: [UInt8]?
    private let payload: ChunkedStreamEncryptor

    /// Prepares a sealed file for `recipients`; throws `.noRecipients` if the list is empty.
    public init(recipients: [X25519PublicKey]) throws {
        guard !recipients.isEmpty else { throw SealedFileError.noRecipients }
        let fileKey = SecureRandom.bytes(count: SealedFileHeader.fileKeyLength)
        let payloadNonce = SecureRandom.bytes(count: SealedFileHeader.payloadNonceLength)
        let stanzas = try recipients.map { try $0.stanza(wrapping: fileKey) }
        header = try SealedFileHeader.encode(stanzas: stanzas, payloadNonce: payloadNonce, fileKey: fileKey)
        payload = try ChunkedStreamEncryptor(
            key: SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: payloadNonce))
    }

    /// Takes more plaintext and returns the sealed bytes ready so far; the first output begins with the header.
    public func update(_ plaintext: UnsafeRawBufferPointer) throws -> [UInt8] {
        try withHeader(payload.update(plaintext))
    }

    /// Takes more plaintext and returns the sealed bytes ready so far.
    public func update(_ plaintext: [UInt8]) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try update($0) }
    }

    /// Takes more plaintext and returns the sealed bytes ready so far.
    public func update(_ plaintext: ArraySlice<UInt8>) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try update($0) }
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
