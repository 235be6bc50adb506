import CFileSync
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Durable file operations: write to a temporary name, fsync, rename, fsync the folder.
public enum FileSystem {
    /// All our files carry this modification time (2000-01-01 UTC), so timestamps on disk reveal nothing.
    public static let constantModificationTime: time_t = 946_684_800

    public static func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            // In the words the refusal pages and the operator's log use (read-only, disk full), not Foundation's.
            throw CoreError.storage("cannot create \(url.path): \(reason(errnoCode(of: error)))")
        }
    }

    /// Creates the folder (and any missing folders above it), then fsyncs the parent of each folder it made: a file
    /// renamed into a new folder (and the folder's own fsync) survives a power cut only if the folder's entry in its
    /// parent does. `syncingParent` is for tests, which watch which folders are synced.
    public static func makeDurableDirectory(_ url: URL, syncingParent: (URL) throws -> Void = FileSystem.syncDirectory) throws {
        var missing: [URL] = []
        var folder = url.standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" {
            missing.append(folder)
            folder = folder.deletingLastPathComponent()
        }
        // Nothing for a folder already there; an error for a file of that name.
        try makeDirectory(url)
        for made in missing.reversed() { try syncingParent(made.deletingLastPathComponent()) }
    }

    /// The errno behind a Foundation file error, as near as it tells.
    static func errnoCode(of error: any Error) -> Int32 {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return Int32(underlying.code)
        }
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteNoPermission: return EACCES
        default: return EIO
        }
    }

    /// Writes `bytes` durably and atomically with owner-only permissions.
    public static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".tmp-\(UUID().uuidString)")
        let file = try DurableFile(creating: temporary)
        do {
            try file.write(bytes)
            try file.close()
            try durableRename(temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    /// Renames and fsyncs the destination folder so the rename survives a power cut.
    public static func durableRename(_ from: URL, to: URL) throws {
        if rename(from.path, to.path) != 0 {
            throw CoreError.storage("cannot rename \(from.lastPathComponent): \(reason(errno))")
        }
        resetFolderTimes(of: from, to)
        try syncDirectory(to.deletingLastPathComponent())
    }

    /// Creating, renaming or removing a file stamps its folder with the time: set it back to the constant.
    public static func resetFolderTimes(of files: URL...) {
        for file in files { setConstantModificationTime(file.deletingLastPathComponent()) }
    }

    /// The errno text, with plain words for the cases an operator must act on.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "the disk is full"
        case EROFS: "the data folder is read-only"
        default: String(cString: strerror(code))
        }
    }

    public static func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw CoreError.storage("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if fsync(fd) != 0 { throw CoreError.storage("fsync \(url.path): \(String(cString: strerror(errno)))") }
    }

    public static func setConstantModificationTime(_ url: URL) {
        var times = [timeval(tv_sec: constantModificationTime, tv_usec: 0), timeval(tv_sec: constantModificationTime, tv_usec: 0)]
        _ = utimes(url.path, &times)
    }
}

/// A file opened for writing that is fsync'd on close; owner-only permissions.
public final class DurableFile {
    private var fd: Int32
    public let url: URL
    /// With a large file, each this many appended bytes are sent on to the disk at once (without waiting), so
    /// the disk writes while the rest is produced and the fsync at close has little left to do; 0: never.
    private let writeBackInterval: Int64
    private var appended: Int64 = 0
    /// Bytes from the start whose writing to disk was started early, and how many of those requests failed.
    private(set) var writtenBack: Int64 = 0
    private(set) var writeBackFailures = 0

    /// The interval for files that will be fsync'd: blobs, tus pieces, scrubbed and exported files. Well under a
    /// tus PATCH (8 MiB from the form): a piece is then mostly on disk when its last byte arrives, and the fsync
    /// its answer waits for has little left (8 MiB, which started the writing only at the end: tus 15-20% slower).
    public static let largeFileWriteBack: Int64 = 1 << 20

    public init(creating url: URL, writingBackEvery writeBackInterval: Int64 = 0) throws {
        self.url = url
        self.writeBackInterval = writeBackInterval
        fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CoreError.storage("cannot create \(url.path): \(FileSystem.reason(errno))") }
        FileSystem.resetFolderTimes(of: url)
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let reason = FileSystem.reason(errno)
                throw CoreError.storage("writing \(url.lastPathComponent): \(reason)")
            }
            offset += written
        }
        appended += Int64(bytes.count)
        if writeBackInterval > 0 && appended - writtenBack >= writeBackInterval {
            // Advice only: the fsync at close is what makes the file durable, and reports any error of the disk.
            if evidence_start_writeback(fd, writtenBack, appended - writtenBack) != 0 { writeBackFailures += 1 }
            writtenBack = appended
        }
    }

    /// Writes `bytes` at `offset`, over what is there, without moving the end where `write` appends.
    public func write(_ bytes: [UInt8], at offset: Int64) throws {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CoreError.storage("writing \(url.lastPathComponent): \(FileSystem.reason(errno))")
            }
            done += written
        }
    }

    /// fsyncs and closes; after this the bytes are on disk. Without `syncing`, only closes: for files a crash
    /// makes worthless anyway (spool files, whose key lives only in memory).
    public func close(syncing: Bool = true) throws {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        if syncing && fsync(fd) != 0 {
            let reason = FileSystem.reason(errno)
            _ = Glibc.close(fd)
            throw CoreError.storage("fsync \(url.lastPathComponent): \(reason)")
        }
        _ = Glibc.close(fd)
        FileSystem.setConstantModificationTime(url)
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
    }
}

/// Reads a file in blocks.
public final class BlockFileReader {
    private var fd: Int32
    public let url: URL

    public init(_ url: URL) throws {
        self.url = url
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CoreError.storage("cannot open \(url.path): \(String(cString: strerror(errno)))") }
    }

    private init(url: URL, fd: Int32) {
        self.url = url
        self.fd = fd
    }

    /// Opens `url`; nil when there is no such file (one system call, where asking first would take two).
    public static func openIfPresent(_ url: URL) throws -> BlockFileReader? {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw CoreError.storage("cannot open \(url.path): \(String(cString: strerror(errno)))")
        }
        return BlockFileReader(url: url, fd: fd)
    }

    /// Up to `maxLength` bytes; empty at the end.
    public func read(maxLength: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: maxLength) { buffer, count in
            count = try read(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Reads up to `buffer.count` bytes into its start and returns how many; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw CoreError.storage("reading \(url.lastPathComponent): \(String(cString: strerror(errno)))") }
        }
    }

    /// The file's size in bytes.
    public func size() throws -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CoreError.storage("reading \(url.lastPathComponent): \(String(cString: strerror(errno)))") }
        return Int64(info.st_size)
    }

    /// The next read starts at byte `offset`.
    public func seek(to offset: Int64) throws {
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw CoreError.storage("seeking in \(url.lastPathComponent): \(String(cString: strerror(errno)))")
        }
    }

    deinit { _ = Glibc.close(fd) }
}
