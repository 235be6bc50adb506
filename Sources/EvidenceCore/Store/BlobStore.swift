import EvidenceCrypto
import Foundation

/// Where sealed files live. The local folder is the embedded default; an object store can take its place.
public protocol BlobStore: Sendable {
    /// Starts writing a new sealed file.
    func makeWriter() throws -> any BlobWriter
    /// Starts writing a new sealed file whose writes may go to the storage on a thread of their own (large files:
    /// the caller seals the next block meanwhile). A store that cannot gives a plain writer.
    func makeWriter(writingInBackground: Bool) throws -> any BlobWriter
    /// Reads a stored sealed file block by block.
    func openReader(_ key: String) throws -> any BlobReader
    /// False when the store holds no such blob.
    func exists(_ key: String) -> Bool
    func delete(_ key: String) throws
}

extension BlobStore {
    public func makeWriter(writingInBackground: Bool) throws -> any BlobWriter { try makeWriter() }
}

/// A sealed file being written; it gets its content address only when committed.
public protocol BlobWriter: AnyObject {
    /// Whether its writes go to the storage on a thread of their own (the caller need not hand it one).
    var writesInBackground: Bool { get }
    func write(_ bytes: [UInt8]) throws
    /// Makes the blob durable and returns its key, SHA-256 (hex) and size. `announcing` is told the key before
    /// the blob becomes visible under it (so a crash journal can name it first).
    func commit(announcing: (String) throws -> Void) throws -> StoredBlob
    func abort()
}

extension BlobWriter {
    public func commit() throws -> StoredBlob { try commit(announcing: { _ in }) }
    public var writesInBackground: Bool { false }
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
        try makeWriter(writingInBackground: false)
    }

    public func makeWriter(writingInBackground: Bool) throws -> any BlobWriter {
        let tmp = root.appendingPathComponent("tmp", isDirectory: true)
        try FileSystem.makeDirectory(tmp)
        FileSystem.setConstantModificationTime(root)
        return try LocalBlobWriter(root: root, temporary: tmp.appendingPathComponent(UUID().uuidString), inBackground: writingInBackground)
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

/// A blob writer whose first bytes can wait until its commit, and whose other bytes can be read back before it.
protocol RereadableBlobWriter: BlobWriter {
    /// Counts and hashes `prefix` as the blob's first bytes now, but writes them only at commit. Call before `write`.
    func withhold(prefix: [UInt8]) throws
    /// A reader of the bytes written after the withheld prefix so far, from the first.
    func readBack() throws -> BlockFileReader
}

/// Writes a blob to a temporary file, hashing it on the way. With `inBackground`, the caller hashes and a thread of
/// the writer's own makes the write calls, whose kernel copy into the page cache costs about as much as sealing
/// and hashing together: the work per byte of a large upload then splits evenly over the cores.
final class LocalBlobWriter: RereadableBlobWriter {
    private let root: URL
    private let file: DurableFile
    private let hasher = SHA256Hasher()
    private var size: Int64 = 0
    private var withheld: [UInt8] = []
    private var queue: BackgroundBlockQueue?

    init(root: URL, temporary: URL, inBackground: Bool = false) throws {
        self.root = root
        let file = try DurableFile(creating: temporary, writingBackEvery: DurableFile.largeFileWriteBack)
        self.file = file
        if inBackground {
            let handOff = HandOff(file)
            queue = BackgroundBlockQueue(name: "blob writing") { try handOff.value.write($0) }
        }
    }

    deinit { queue?.cancel() }

    var writesInBackground: Bool { queue != nil }

    func write(_ bytes: [UInt8]) throws {
        hasher.update(bytes)
        size += Int64(bytes.count)
        if let queue {
            try queue.submit(bytes)
        } else {
            try file.write(bytes)
        }
    }

    /// Waits for the writing thread to write what it was given, and ends it: from now on, writes are direct.
    private func drain() throws {
        defer { queue = nil }
        try queue?.finish()
    }

    func withhold(prefix: [UInt8]) throws {
        precondition(size == 0, "withhold before any write")
        hasher.update(prefix)
        size += Int64(prefix.count)
        withheld = prefix
        // Zeros hold the place (unhashed: the prefix is); the prefix goes over them at commit.
        let placeholder = [UInt8](repeating: 0, count: prefix.count)
        if let queue {
            try queue.submit(placeholder)
        } else {
            try file.write(placeholder)
        }
    }

    func readBack() throws -> BlockFileReader {
        try drain()
        let reader = try BlockFileReader(file.url)
        var skipped = 0
        while skipped < withheld.count {
            let piece = try reader.read(maxLength: withheld.count - skipped)
            guard !piece.isEmpty else { throw CoreError.storage("a blob being written is shorter than its withheld start") }
            skipped += piece.count
        }
        return reader
    }

    func commit(announcing: (String) throws -> Void) throws -> StoredBlob {
        try drain()
        if !withheld.isEmpty { try file.write(withheld, at: 0) }
        try file.close()
        let sha = Hex.encode(hasher.finalize())
        let folder = root.appendingPathComponent(String(sha.prefix(2)), isDirectory: true)
        try FileSystem.makeDurableDirectory(folder)
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
        queue?.cancel()
        queue = nil
        try? file.close()
        try? FileManager.default.removeItem(at: file.url)
        FileSystem.resetFolderTimes(of: file.url)
    }
}

/// Hands a value that one thread at a time uses (the writing thread until it is drained, the caller after) to
/// another thread.
final class HandOff<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
