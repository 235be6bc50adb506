/// A stored sealed file read from the start, block by block.
public protocol BlobReader: AnyObject {
    /// Up to `maxLength` bytes; empty only at the end.
    func read(maxLength: Int) throws -> [UInt8]
    /// Fills the start of `buffer` with up to its size in bytes and returns how many; 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension BlobReader {
    /// By way of `read(maxLength:)`, for readers that hold their blocks as arrays anyway.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let block = try read(maxLength: buffer.count)
        block.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return block.count
    }
}

extension BlockFileReader: BlobReader {}
