/// Finding the end of a JPEG scan's entropy-coded data, where byte stuffing (FF 00) and restart markers
/// (FF D0-D7) belong to the data and any other marker ends it.
enum JPEGScanData {
    /// How many leading bytes of `buffer` are entropy-coded data, and the marker code after them
    /// if it lies in `buffer`; when it does not, a data end short of the buffer's end means the
    /// last byte is a 0xFF whose meaning depends on the next block.
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> (Int, UInt8?) {
        let count = buffer.count
        var index = 0
        while index < count {
            // Scan data is mostly bytes other than 0xFF: step over eight at a time while none of them is.
            if let base = buffer.baseAddress {
                while index + 8 <= count && !containsFF(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                }
                if index >= count { break }
            }
            guard buffer[index] == 0xFF else {
                index += 1
                continue
            }
            guard index + 1 < count else { return (index, nil) }
            let next = buffer[index + 1]
            if next == 0x00 || (0xD0...0xD7).contains(next) {
                index += 2
            } else if next == 0xFF {
                index += 1
            } else {
                return (index, next)
            }
        }
        return (count, nil)
    }

    /// Whether any byte of `word` is 0xFF: inverted, such a byte is zero, and the classic has-a-zero-byte test
    /// finds it without a false positive.
    @inline(__always)
    static func containsFF(_ word: UInt64) -> Bool {
        let inverted = ~word
        return (inverted &- 0x0101_0101_0101_0101) & ~inverted & 0x8080_8080_8080_8080 != 0
    }
}
