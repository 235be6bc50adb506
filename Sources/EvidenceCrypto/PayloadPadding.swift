/// The padding of a version-2 payload (docs/FORMAT.md, "Padding"): the file's bytes, then 0x80, then zero bytes
/// up to Padmé(P + 1) bytes in all, for a file of P bytes.
enum PayloadPadding {
    /// The byte that ends the file's bytes.
    static let marker: UInt8 = 0x80
    /// Zero bytes are handed out at most this many at a time (four chunks), so padding of any length streams.
    static let zeros = [UInt8](repeating: 0, count: 4 * ChunkedStream.chunkSize)

    /// The zero bytes that follow the marker after a file of `length` bytes.
    static func zeroCount(afterFileOf length: Int) -> Int {
        Padme.paddedLength(length + 1) - length - 1
    }
}
