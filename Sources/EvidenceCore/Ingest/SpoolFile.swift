import EvidenceCrypto
import Foundation
import MediaScrub

/// An upload being received: its bytes go to `spool/` encrypted under a key that exists only in memory,
/// and are hashed on the way in. If the process dies, the key dies with it and the spool file is noise.
public final class SpoolFile {
    private let file: DurableFile
    private let key: [UInt8]
    private let encryptor: ChunkedStreamEncryptor
    private let hasher = SHA256Hasher()
    private let sizeLimit: Int64
    private let floor: FreeSpaceFloor
    private let spool: URL
    public private(set) var size: Int64 = 0
    /// The first bytes, kept to sniff the type.
    public private(set) var prefix: [UInt8] = []

    /// The free space is checked again each time this many more bytes have arrived.
    static let floorCheckInterval: Int64 = 4 << 20

    public init(in spool: URL, sizeLimit: Int64, floor: FreeSpaceFloor = .none) throws {
        try floor.check(spool)
        self.floor = floor
        self.spool = spool
        key = SecureRandom.bytes(count: 32)
        encryptor = try ChunkedStreamEncryptor(key: key)
        file = try DurableFile(creating: spool.appendingPathComponent(Hex.encode(SecureRandom.bytes(count: 16))))
        self.sizeLimit = sizeLimit
    }

    /// The type sniffed from the first bytes, once enough have arrived (nil while too few, or when unknown).
    public var sniffedType: MediaType? { MediaSniffer.sniff(prefix) }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        let before = size
        size += Int64(bytes.count)
        guard size <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        if before / Self.floorCheckInterval != size / Self.floorCheckInterval { try floor.check(spool) }
        if prefix.count < MediaSniffer.prefixLength {
            prefix += bytes.prefix(MediaSniffer.prefixLength - prefix.count)
        }
        hasher.update(bytes)
        try file.write(encryptor.update(bytes))
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Ends the upload; the result can be read back (decrypted) for scrubbing.
    public func finish() throws -> SpooledUpload {
        try file.write(encryptor.finish())
        try file.close()
        return SpooledUpload(url: file.url, key: key, size: size, originalSHA256: Hex.encode(hasher.finalize()), prefix: prefix)
    }

    /// Forgets the upload and removes its bytes.
    public func discard() {
        try? file.close()
        try? FileManager.default.removeItem(at: file.url)
        FileSystem.resetFolderTimes(of: file.url)
    }
}

/// A complete upload in the spool, with the ephemeral key that decrypts it.
public struct SpooledUpload: Sendable {
    public let url: URL
    let key: [UInt8]
    public let size: Int64
    public let originalSHA256: String
    public let prefix: [UInt8]

    public var sniffedType: MediaType? { MediaSniffer.sniff(prefix) }

    /// The decrypted original, as a stream for the scrubber.
    public func openOriginal() throws -> any ByteSource {
        try SpoolReader(url: url, key: key)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
        FileSystem.resetFolderTimes(of: url)
    }
}

/// Decrypts a spool file block by block; rewinding starts decryption over (some formats need two passes).
final class SpoolReader: RewindableByteSource {
    private let url: URL
    private let key: [UInt8]
    private var reader: BlockFileReader
    private var decryptor: ChunkedStreamDecryptor
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var finished = false

    init(url: URL, key: [UInt8]) throws {
        self.url = url
        self.key = key
        reader = try BlockFileReader(url)
        decryptor = try ChunkedStreamDecryptor(key: key)
    }

    func rewind() throws {
        reader = try BlockFileReader(url)
        decryptor = try ChunkedStreamDecryptor(key: key)
        pending = []
        pendingStart = 0
        finished = false
    }

    func read(maxLength: Int) throws -> [UInt8] {
        while pendingStart == pending.count && !finished {
            let block = try reader.read(maxLength: 256 * 1024)
            if block.isEmpty {
                pending = try decryptor.finish()
                finished = true
            } else {
                pending = try decryptor.update(block)
            }
            pendingStart = 0
        }
        let end = min(pending.count, pendingStart + maxLength)
        let out = Array(pending[pendingStart..<end])
        pendingStart = end
        return out
    }
}
