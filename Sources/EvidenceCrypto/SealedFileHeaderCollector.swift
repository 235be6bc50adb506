/// Gathers the first bytes of a sealed file, however they are split, until its header is complete.
struct SealedFileHeaderCollector {
    private var buffer: [UInt8] = []
    /// Parsing is tried again only once this many bytes are in: the header says how long it is.
    private var bytesNeeded = 1

    /// Adds bytes; once the header is complete, returns it with the bytes that followed it (the payload's start).
    mutating func add(_ bytes: UnsafeRawBufferPointer) throws -> (header: SealedFileHeader, rest: ArraySlice<UInt8>)? {
        buffer.append(contentsOf: bytes)
        guard buffer.count >= bytesNeeded else { return nil }
        switch try buffer.withUnsafeBytes({ try SealedFileHeader.parse($0) }) {
        case .needMore(let count):
            bytesNeeded = count
            return nil
        case .complete(let header, let length):
            let rest = buffer[length...]
            buffer = []
            return (header, rest)
        }
    }
}
