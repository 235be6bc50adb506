import EvidenceCore
import EvidenceCrypto
import ObjectStorage

/// Sealed files as objects in an S3 bucket, behind the same synchronous `BlobStore` as the local folder.
///
/// A blob's key is random (`sealed/<32 hex>`), chosen when its writer is made: the content address the local
/// store uses is known only once the last byte is written, and renaming an object would mean a server-side copy.
/// Writes stream in parts of `partSize` and reads in ranges, so memory stays bounded by one part whatever the
/// file's size. Every call waits for the network (see `BlockingBridge`): call it from threads that may block,
/// never from an async context.
public struct S3BlobStore: BlobStore {
    public let client: S3Client
    /// Where the blobs' keys start, `sealed/` unless the bucket is shared.
    public let prefix: String
    public let partSize: Int
    public let readRangeSize: Int

    public init(
        client: S3Client, prefix: String = "sealed/", partSize: Int = 16 * 1024 * 1024,
        readRangeSize: Int = 8 * 1024 * 1024
    ) {
        self.client = client
        self.prefix = prefix
        self.partSize = partSize
        self.readRangeSize = readRangeSize
    }

    public func makeWriter() throws -> any BlobWriter {
        let key = prefix + Hex.encode(SecureRandom.bytes(count: 16))
        return S3BlobWriter(S3ObjectWriter(client: client, key: key, partSize: partSize), client: client)
    }

    public func openReader(_ key: String) throws -> any BlobReader {
        let client = client
        let rangeSize = readRangeSize
        guard let object = try BlockingBridge.wait({ try await S3ObjectReader.open(client: client, key: key, rangeSize: rangeSize) })
        else { throw CoreError.blobMissing(key) }
        return S3BlobReader(object)
    }

    /// False only when the store says there is no such object: when it cannot be asked, the caller's next step
    /// (a read or a delete) fails with the reason rather than taking the blob for gone.
    public func exists(_ key: String) -> Bool {
        let client = client
        do {
            return try BlockingBridge.wait { try await client.headObject(key) } != nil
        } catch {
            return true
        }
    }

    public func delete(_ key: String) throws {
        let client = client
        try BlockingBridge.wait { try await client.deleteObject(key) }
    }
}
