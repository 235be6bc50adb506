/// Shared layout of the chunked authenticated stream (see docs/FORMAT.md, "Payload").
enum ChunkedStream {
    /// Plaintext bytes per chunk; every chunk but the last is exactly this long.
    static let chunkSize = 65536
    /// Bytes per full chunk on disk: plaintext plus the GCM tag.
    static let sealedChunkSize = chunkSize + AESGCM.tagLength

    /// The 12-byte nonce of chunk `index`: an 11-byte big-endian counter, then 0x01 for the last chunk, else 0x00.
    static func nonce(index: UInt64, last: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: AESGCM.nonceLength)
        for byteIndex in 0..<8 {
            nonce[10 - byteIndex] = UInt8(truncatingIfNeeded: index >> (8 * UInt64(byteIndex)))
        }
        nonce[11] = last ? 0x01 : 0x00
        return nonce
    }
}
