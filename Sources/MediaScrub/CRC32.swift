/// The CRC-32 of ISO 3309 / ITU-T V.42, as PNG uses it, computed incrementally.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }

    private var state: UInt32 = 0xFFFF_FFFF

    /// The CRC of everything fed so far.
    var value: UInt32 { state ^ 0xFFFF_FFFF }

    mutating func update(_ bytes: some Sequence<UInt8>) {
        var c = state
        let table = Self.table
        table.withUnsafeBufferPointer { table in
            let fast: Void? = bytes.withContiguousStorageIfAvailable { buffer in
                for byte in buffer {
                    c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
                }
            }
            if fast == nil {
                for byte in bytes {
                    c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
                }
            }
        }
        state = c
    }
}
