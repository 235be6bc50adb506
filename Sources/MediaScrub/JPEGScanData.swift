#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding the end of a JPEG scan's entropy-coded data, where byte stuffing (FF 00) and restart markers
/// (FF D0-D7) belong to the data and any other marker ends it.
enum JPEGScanData {
    /// How many leading bytes of `buffer` are entropy-coded data, and the marker code after them
    /// if it lies in `buffer`; when it does not, a data end short of the buffer's end means the
    /// last byte is a 0xFF whose meaning depends on the next block.
    static func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> (Int, UInt8?) {
        guard let base = buffer.baseAddress else { return (0, nil) }
        let count = buffer.count
        var index = 0
        while index < count {
            // Scan data is mostly bytes other than 0xFF: memchr steps over them many at a time.
            guard let found = memchr(base + index, 0xFF, count - index) else { break }
            index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
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
}
