/// Opens a sealed file with a reviewer's private key, verifying the header and every chunk.
///
/// Plaintext is released chunk by chunk as it verifies: keep it only if `finish()` succeeds.
public final class SealedFileReader {
    private let identity: X25519PrivateKey
    private var headerCollector = SealedFileHeaderCollector()
    private var payload: ChunkedStreamDecryptor?

    /// Prepares to open a file with `identity`.
    public init(identity: X25519PrivateKey) {
        self.identity = identity
    }

    /// Takes more sealed bytes; parses and authenticates the header once it is complete, then returns verified plaintext.
    public func update(_ sealed: UnsafeRawBufferPointer) throws -> [UInt8] {
        if let payload { return try payload.update(sealed) }
        guard let (header, rest) = try headerCollector.add(sealed) else { return [] }
        let fileKey = try identity.unwrapFileKey(from: header.stanzas)
        guard try header.isAuthentic(fileKey: fileKey) else { throw SealedFileError.headerAuthenticationFailed }
        let decryptor = try ChunkedStreamDecryptor(key: SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: header.payloadNonce))
        payload = decryptor
        return try decryptor.update(rest)
    }

    /// Takes more sealed bytes and returns the plaintext verified so far.
    public func update(_ sealed: [UInt8]) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Takes more sealed bytes and returns the plaintext verified so far.
    public func update(_ sealed: ArraySlice<UInt8>) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Verifies the last chunk and returns its plaintext; throws `.truncated` if the file ended early.
    public func finish() throws -> [UInt8] {
        guard let payload else { throw SealedFileError.truncated }
        return try payload.finish()
    }

    /// The fingerprints (see `X25519PublicKey.fingerprint`) of the X25519 recipients named in a header, without decrypting anything.
    ///
    /// `header` is the start of a sealed file, at least up to the end of its header.
    public static func recipientFingerprints(ofHeader header: [UInt8]) throws -> [String] {
        let parsed = try header.withUnsafeBytes { try SealedFileHeader.parse($0) }
        guard case .complete(let parsedHeader, _) = parsed else { throw SealedFileError.truncated }
        return parsedHeader.stanzas
            .filter { $0.type == RecipientStanza.x25519Type }
            .map { X25519PublicKey.fingerprint(keyID: Array($0.body[32..<48])) }
    }
}
