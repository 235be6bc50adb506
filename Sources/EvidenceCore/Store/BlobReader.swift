/// A stored sealed file read from the start, block by block.
public protocol BlobReader: AnyObject {
    /// Up to `maxLength` bytes; empty only at the end.
    func read(maxLength: Int) throws -> [UInt8]
}

extension BlockFileReader: BlobReader {}
