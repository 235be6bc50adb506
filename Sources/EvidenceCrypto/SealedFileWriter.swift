/// Seals a byte stream to one or more reviewer public keys (format: docs/FORMAT.md), padded so that the sealed
/// size tells the file's size only coarsely.
public final class SealedFileWriter {
    private var header: [UInt8]?
    private let payload: ChunkedStreamEncryptor
    private let payloadKey: [UInt8]
    /// The file's bytes taken so far: the padding added at `finish` depends on their count.
    private var fileLength = 0

    /// Prepares a sealed file for `recipients`; throws `.noRecipients` if the list is empty.
    public init(recipients: [X25519PublicKey]) throws {
        guard !recipients.isEmpty else { throw SealedFileError.noRecipients }
        let fileKey = SecureRandom.bytes(count: SealedFileHeader.fileKeyLength)
        let payloadNonce = SecureRandom.bytes(count: SealedFileHeader.payloadNonceLength)
        let stanzas = try recipients.map { try $0.stanza(wrapping: fileKey) }
        header = try SealedFileHeader.encode(
            version: SealedFileHeader.paddedVersion, stanzas: stanzas, payloadNonce: payloadNonce, fileKey: fileKey)
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

    /// Opens this writer's own payload (the sealed bytes after the header), to read back the file's bytes it has sealed.
    public func makePayloadReader() throws -> SealedPayloadReader {
        try SealedPayloadReader(payloadKey: payloadKey, padded: true)
    }

    /// Takes more plaintext and returns the sealed bytes ready so far; the first output begins with the header.
    public func update(_ plaintext: UnsafeRawBufferPointer) throws -> [UInt8] {
        fileLength += plaintext.count
        return try withHeader(payload.update(plaintext))
    }

    /// Takes more plaintext and returns the sealed bytes ready so far.
    public func update(_ plaintext: [UInt8]) throws -> [UInt8] {
        try update(plaintext[...])
    }

    /// Takes more plaintext and returns the sealed bytes ready so far; bytes held back for a later chunk are kept
    /// in `plaintext`'s array rather than copied (`ChunkedStreamEncryptor.update(_: ArraySlice)`).
    public func update(_ plaintext: ArraySlice<UInt8>) throws -> [UInt8] {
        fileLength += plaintext.count
        return try withHeader(payload.update(plaintext))
    }

    /// Pads the file, seals the last chunk and hands the remaining sealed bytes to `emit`, at most four chunks (and
    /// the header, if it has not gone out) at a time: the padding, up to 12% of the file, is never held whole.
    public func finish(_ emit: ([UInt8]) throws -> Void) throws {
        func send(_ sealed: [UInt8]) throws {
            if !sealed.isEmpty { try emit(sealed) }
        }
        try send(withHeader(payload.update([PayloadPadding.marker])))
        var zeros = PayloadPadding.zeroCount(afterFileOf: fileLength)
        while zeros > 0 {
            let count = min(zeros, PayloadPadding.zeros.count)
            try send(withHeader(payload.update(PayloadPadding.zeros[..<count])))
            zeros -= count
        }
        try send(withHeader(payload.finish()))
    }

    /// Returns the remaining sealed bytes, padding included, ending with the last chunk: for small files (messages,
    /// notes), since it holds the padding of the whole file at once.
    public func finish() throws -> [UInt8] {
        try collectingPieces { try finish($0) }
    }

    private func withHeader(_ bytes: [UInt8]) -> [UInt8] {
        guard let pending = header else { return bytes }
        header = nil
        return pending + bytes
    }
}
