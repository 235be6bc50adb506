import EvidenceCore
import EvidenceCrypto
import ObjectStorage

/// A sealed file streamed into one object under a key chosen in advance, hashed as it goes.
public final class S3BlobWriter: BlobWriter {
    private let object: S3ObjectWriter
    private let client: S3Client
    private let hasher = SHA256Hasher()
    private var size: Int64 = 0
    private var isCommitted = false

    init(_ object: S3ObjectWriter, client: S3Client) {
        self.object = object
        self.client = client
    }

    /// The object's key, fixed from the start.
    public var key: String { object.key }

    /// Appends bytes; returns once any part they fill has been uploaded.
    public func write(_ bytes: [UInt8]) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        let object = object
        try BlockingBridge.wait { try await object.write(bytes) }
    }

    /// Announces the key, then completes the upload: the object exists only after the journal names it.
    public func commit(announcing: (String) throws -> Void) throws -> StoredBlob {
        try announcing(key)
        let (object, client, key) = (object, client, key)
        do {
            _ = try BlockingBridge.wait { try await object.finish() }
        } catch {
            // The service may have stored the object though its answer was lost; the caller will not delete it.
            try? BlockingBridge.wait { try await client.deleteObject(key) }
            throw error
        }
        isCommitted = true
        return StoredBlob(key: key, sha256: Hex.encode(hasher.finalize()), size: size)
    }

    /// Aborts the multipart upload, if one was started; nothing is stored.
    public func abort() {
        guard !isCommitted else { return }
        let object = object
        try? BlockingBridge.wait { await object.abort() }
    }
}
