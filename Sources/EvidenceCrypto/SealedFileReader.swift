/// Opens a sealed file with a reviewer's private key, verifying the header and every chunk, and taking off the
/// padding of a version-2 file.
///
/// Plaintext is released chunk by chunk as it verifies: keep it only if `finish` succeeds.
public final class SealedFileReader {
    private let identity: X25519PrivateKey
    private var headerCollector = SealedFileHeaderCollector()
    private var payload: SealedPayloadReader?

    /// Prepares to open a file with `identity`.
    public init(identity: X25519PrivateKey) {
        self.identity = identity
    }

    /// Takes more sealed bytes; parses and authenticates the header once it is complete, then hands the file's
    /// verified bytes to `emit`, in pieces of bounded size (`SealedPayloadReader.update`).
    public func update(_ sealed: UnsafeRawBufferPointer, emit: ([UInt8]) throws -> Void) throws {
        if let payload { return try payload.update(sealed, emit: emit) }
        guard let (header, rest) = try headerCollector.add(sealed) else { return }
        let fileKey = try identity.unwrapFileKey(from: header.stanzas)
        guard try header.isAuthentic(fileKey: fileKey) else { throw SealedFileError.headerAuthenticationFailed }
        let reader = try SealedPayloadReader(
            payloadKey: SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: header.payloadNonce),
            padded: header.version == SealedFileHeader.paddedVersion)
        payload = reader
        try rest.withUnsafeBytes { try reader.update($0, emit: emit) }
    }

    /// Takes more sealed bytes and hands the file's verified bytes to `emit`.
    public func update(_ sealed: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        try sealed.withUnsafeBytes { try update($0, emit: emit) }
    }

    /// Takes more sealed bytes and returns the file's bytes verified so far. A run of zero bytes after a 0x80 in the
    /// file is held back until a byte that ends it, then returned whole: `update(_:emit:)` hands it on in pieces.
    public func update(_ sealed: UnsafeRawBufferPointer) throws -> [UInt8] {
        try collectingPieces { try update(sealed, emit: $0) }
    }

    /// Takes more sealed bytes and returns the file's bytes verified so far.
    public func update(_ sealed: [UInt8]) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Takes more sealed bytes and returns the file's bytes verified so far.
    public func update(_ sealed: ArraySlice<UInt8>) throws -> [UInt8] {
        try sealed.withUnsafeBytes { try update($0) }
    }

    /// Verifies the last chunk and the padding and hands on the file's last bytes; throws `.truncated` if the file
    /// ended early.
    public func finish(_ emit: ([UInt8]) throws -> Void) throws {
        guard let payload else { throw SealedFileError.truncated }
        try payload.finish(emit)
    }

    /// Verifies the last chunk and the padding and returns the file's last bytes; throws `.truncated` if the file
    /// ended early.
    public func finish() throws -> [UInt8] {
        try collectingPieces { try finish($0) }
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
