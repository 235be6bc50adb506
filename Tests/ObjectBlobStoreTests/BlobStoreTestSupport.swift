import EvidenceCore
import EvidenceCrypto
import Foundation
import ObjectBlobStore
import ObjectStorage
import S3TestSupport
import Testing

/// The two stores every contract test runs on; S3 only when a test server can be had.
enum BlobStoreKind: String, CustomTestStringConvertible, Sendable {
    case local
    case s3

    static let testable: [BlobStoreKind] = S3TestServer.isAvailable ? [.local, .s3] : [.local]

    var testDescription: String { rawValue }
}

/// A store of one kind on fresh ground: a temporary folder, or a key prefix of its own in the test bucket.
struct BlobStoreUnderTest: Sendable {
    let kind: BlobStoreKind
    let store: any BlobStore
    /// The local store's folder (removed by `remove()`), or nil for S3.
    let folder: URL?

    static let mebibyte = 1024 * 1024

    static func make(_ kind: BlobStoreKind) async throws -> BlobStoreUnderTest {
        switch kind {
        case .local:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blobstore-\(UUID().uuidString)")
            return BlobStoreUnderTest(kind: kind, store: LocalBlobStore(root: folder), folder: folder)
        case .s3:
            return BlobStoreUnderTest(kind: kind, store: try await s3Store(), folder: nil)
        }
    }

    /// S3 parts at their smallest (5 MiB), so a few dozen MiB make a multipart upload.
    static func s3Store() async throws -> S3BlobStore {
        S3BlobStore(
            client: try await S3TestServer.client(), prefix: UUID().uuidString.lowercased() + "/",
            partSize: S3ObjectWriter.minimumPartSize, readRangeSize: 3 * mebibyte)
    }

    func remove() {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }
}

/// Runs blocking work on a thread of its own: the blob store's synchronous API waits for the network, which
/// must not happen on one of Swift's cooperative threads (the test functions' own).
func onThread<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

func sha256Hex(_ bytes: [UInt8]) -> String {
    let hasher = SHA256Hasher()
    hasher.update(bytes)
    return Hex.encode(hasher.finalize())
}

/// Everything a reader gives, asking for `maxLength` at a time.
func readAll(_ reader: any BlobReader, maxLength: Int) throws -> [UInt8] {
    var bytes: [UInt8] = []
    while true {
        let block = try reader.read(maxLength: maxLength)
        if block.isEmpty { return bytes }
        bytes += block
    }
}

/// A data folder with one reviewer key and sealed files in an S3 store, removed when released.
final class S3IngestFixture {
    let root: URL
    let folder: DataFolder
    let identity = X25519PrivateKey.generate()
    let blobs: S3BlobStore

    init(blobs: S3BlobStore) throws {
        self.blobs = blobs
        root = FileManager.default.temporaryDirectory.appendingPathComponent("s3-ingest-\(UUID().uuidString)")
        folder = DataFolder(root.appendingPathComponent("data").path)
        try folder.initialise()
        try folder.addRecipient(identity.publicKey)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func pipeline() throws -> IngestPipeline { try IngestPipeline(folder: folder, blobs: blobs) }

    func desk() throws -> ReviewDesk { try ReviewDesk(folder: folder, blobs: blobs) }

    /// Spools `bytes` as the server does with an upload.
    func spool(_ bytes: [UInt8]) throws -> SpooledUpload {
        let file = try SpoolFile(in: folder.spool, sizeLimit: 1 << 30, budget: .shared)
        try file.append(bytes)
        return try file.finish()
    }

    /// Regular files left under the data folder's blobs/ (the local store's place).
    func localBlobFiles() -> [String] {
        let blobs = folder.blobs.path
        return ((try? FileManager.default.subpathsOfDirectory(atPath: blobs)) ?? []).filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: blobs + "/" + path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }
}
