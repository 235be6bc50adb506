import EvidenceCrypto
import Foundation

/// Where sealed files live. The local folder is the embedded default; an object store can take its place.
public protocol BlobStore: Sendable {
    /// Starts writing a new sealed file.
    func makeWriter() throws -> any BlobWriter
    /// Reads a stored sealed file block by block.
    func openReader(_ key: String) throws -> any BlobReader
    /// False when the store holds no such blob.
    func exists(_ key: String) -> Bool
    func delete(_ key: String) throws
}

/// A sealed file being written; it gets its content address only when committed.
public protocol BlobWriter: AnyObject {
    func write(_ bytes: [UInt8]) throws
    /// Makes the blob durable and returns its key, SHA-256 (hex) and size. `announcing` is told the key before
    /// the blob becomes visible under it (so a crash journal can name it first).
    func commit(announcing: (String) throws -> Void) throws -> StoredBlob
    func abort()
}

extension BlobWriter {
    public func commit() throws -> StoredBlob { try commit(announcing: { _ in }) }
}

public struct StoredBlob: Sendable, Equatable {
    public let key: String
    public let sha256: String
    public let size: Int64

    public init(key: String, sha256: String, size: Int64) {
        self.key = key
        self.sha256 = sha256
        self.size = size
    }
}

/// `blobs/ab/<sha256 of the sealed file>`: written to `blobs/tmp/`, fsync'd, renamed.
public struct LocalBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public func makeWriter() throws -> any BlobWriter {
        let tmp = root.appendingPathComponent("tmp", isDirectory: true)
        try FileSystem.makeDirectory(tmp)
        FileSystem.setConstantModificationTime(root)
        return try LocalBlobWriter(root: root, temporary: tmp.appendingPathComponent(UUID().uuidString))
    }

    public func url(for key: String) -> URL {
        root.appendingPathComponent(key)
    }

    public func openReader(_ key: String) throws -> any BlobReader {
        guard let reader = try BlockFileReader.openIfPresent(url(for: key)) else { throw CoreError.blobMissing(key) }
        return reader
    }

    public func exists(_ key: String) -> Bool {
        FileManager.default.fileExists(atPath: url(for: key).path)
    }

    public func delete(_ key: String) throws {
        try FileManager.default.removeItem(at: url(for: key))
        FileSystem.resetFolderTimes(of: url(for: key))
    }
}

final class LocalBlobWriter: BlobWriter {
    private let root: URL
    private let file: DurableFile
    private let hasher = SHA256Hasher()
    private var size: Int64 = 0

    init(root: URL, temporary: URL) throws {
        self.root = root
        file = try DurableFile(creating: temporary)
    }

    func write(_ bytes: [UInt8]) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        try file.write(bytes)
    }

    func commit(announcing: (String) throws -> Void) throws -> StoredBlob {
        try file.close()
        let sha = Hex.encode(hasher.finalize())
        let folder = root.appendingPathComponent(String(sha.prefix(2)), isDirectory: true)
        try FileSystem.makeDirectory(folder)
        FileSystem.setConstantModificationTime(root)
        let key = "\(sha.prefix(2))/\(sha)"
        let destination = root.appendingPathComponent(key)
        try announcing(key)
        do {
            try FileSystem.durableRename(file.url, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: destination)
            throw error
        }
        return StoredBlob(key: key, sha256: sha, size: size)
    }

    func abort() {
        try? file.close()
        try? FileManager.default.removeItem(at: file.url)
        FileSystem.resetFolderTimes(of: file.url)
    }
}
