/// The sealed-file header (docs/FORMAT.md, "Header"):
/// magic (16) | version (1) | recipient count (u16 BE) | stanzas | payload nonce (16) | header MAC (32).
struct SealedFileHeader {
    static let magic = Array("EVIDENCE-SEALED\n".utf8)
    /// Version 1: the payload is the file's bytes. Version 2, what writers write: they are padded (`PayloadPadding`).
    static let unpaddedVersion: UInt8 = 1
    static let paddedVersion: UInt8 = 2
    static let payloadNonceLength = 16
    static let macLength = 32
    static let fileKeyLength = 32
    /// Readers refuse larger headers rather than buffer without bound.
    static let maximumLength = 16 << 20
    static let headerKeyInfo = Array("evidence-drop/v1 header".utf8)
    static let payloadKeyInfo = Array("evidence-drop/v1 payload".utf8)

    let version: UInt8
    let stanzas: [RecipientStanza]
    let payloadNonce: [UInt8]
    /// Every header byte before the MAC: what the MAC authenticates.
    let authenticatedBytes: [UInt8]
    let mac: [UInt8]

    /// The outcome of trying to parse a header from the start of a buffer.
    enum ParseResult {
        /// The buffer is a valid prefix; at least this many bytes in total are needed before parsing again.
        case needMore(Int)
        /// A complete header, `length` bytes long.
        case complete(SealedFileHeader, length: Int)
    }

    /// Builds the header of a file of format `version` for `stanzas`, authenticated under a key derived from `fileKey`.
    static func encode(version: UInt8, stanzas: [RecipientStanza], payloadNonce: [UInt8], fileKey: [UInt8]) throws -> [UInt8] {
        guard !stanzas.isEmpty else { throw SealedFileError.noRecipients }
        guard stanzas.count <= Int(UInt16.max) else {
            throw SealedFileError.malformedHeader("a sealed file holds at most 65535 recipients, \(stanzas.count) were given")
        }
        var bytes = magic
        bytes.append(version)
        append(UInt16(stanzas.count), to: &bytes)
        for stanza in stanzas {
            bytes.append(stanza.type)
            append(UInt16(stanza.body.count), to: &bytes)
            bytes += stanza.body
        }
        bytes += payloadNonce
        bytes += HMACSHA256.authenticationCode(key: try headerKey(fileKey: fileKey), message: bytes)
        return bytes
    }

    /// Parses a header from the start of `bytes`, checking structure only (not the MAC).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> ParseResult {
        let magicPrefix = min(bytes.count, magic.count)
        guard bytes.prefix(magicPrefix).elementsEqual(magic.prefix(magicPrefix)) else { throw SealedFileError.notASealedFile }
        guard bytes.count > magic.count else { return .needMore(magic.count + 1) }
        let fileVersion = bytes[magic.count]
        guard fileVersion == unpaddedVersion || fileVersion == paddedVersion else {
            throw SealedFileError.unsupportedVersion(fileVersion)
        }
        var offset = magic.count + 1
        guard bytes.count >= offset + 2 else { return .needMore(offset + 2) }
        let count = readUInt16(bytes, at: offset)
        offset += 2
        guard count > 0 else { throw SealedFileError.malformedHeader("the recipient count is zero") }
        var stanzas: [RecipientStanza] = []
        for index in 0..<Int(count) {
            guard bytes.count >= offset + 3 else { return .needMore(offset + 3) }
            let type = bytes[offset]
            let bodyLength = Int(readUInt16(bytes, at: offset + 1))
            offset += 3
            if type == RecipientStanza.x25519Type && bodyLength != X25519Stanza.bodyLength {
                throw SealedFileError.malformedHeader(
                    "recipient stanza \(index) is X25519 but \(bodyLength) bytes long instead of \(X25519Stanza.bodyLength)")
            }
            guard offset + bodyLength <= maximumLength else {
                throw SealedFileError.malformedHeader("the header is longer than \(maximumLength) bytes")
            }
            guard bytes.count >= offset + bodyLength else { return .needMore(offset + bodyLength) }
            stanzas.append(RecipientStanza(type: type, body: Array(bytes[offset..<offset + bodyLength])))
            offset += bodyLength
        }
        let length = offset + payloadNonceLength + macLength
        guard bytes.count >= length else { return .needMore(length) }
        let header = SealedFileHeader(
            version: fileVersion,
            stanzas: stanzas,
            payloadNonce: Array(bytes[offset..<offset + payloadNonceLength]),
            authenticatedBytes: Array(bytes[0..<offset + payloadNonceLength]),
            mac: Array(bytes[offset + payloadNonceLength..<length]))
        return .complete(header, length: length)
    }

    /// True if the MAC matches the header bytes under `fileKey`.
    func isAuthentic(fileKey: [UInt8]) throws -> Bool {
        let expected = HMACSHA256.authenticationCode(key: try Self.headerKey(fileKey: fileKey), message: authenticatedBytes)
        return HMACSHA256.constantTimeEquals(expected, mac)
    }

    /// HKDF-SHA256(ikm = file key, salt = empty, info = "evidence-drop/v1 header").
    static func headerKey(fileKey: [UInt8]) throws -> [UInt8] {
        try HKDFSHA256.deriveKey(inputKeyMaterial: fileKey, salt: [], info: headerKeyInfo, length: 32)
    }

    /// HKDF-SHA256(ikm = file key, salt = payload nonce, info = "evidence-drop/v1 payload").
    static func payloadKey(fileKey: [UInt8], payloadNonce: [UInt8]) throws -> [UInt8] {
        try HKDFSHA256.deriveKey(inputKeyMaterial: fileKey, salt: payloadNonce, info: payloadKeyInfo, length: 32)
    }

    private static func append(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xff))
    }

    private static func readUInt16(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
}
