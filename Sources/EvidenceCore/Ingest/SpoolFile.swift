import EvidenceCrypto
import Foundation
import MediaScrub

/// An upload being received: its bytes are encrypted under a key that exists only in memory, and hashed on the
/// way in. A small upload stays in memory while `SpoolMemoryBudget` allows; a larger one goes to `spool/`. If the
/// process dies, the key dies with it and a spool file is noise, so spool files are not fsync'd.
public final class SpoolFile {
    private let key: [UInt8]
    private let encryptor: ChunkedStreamEncryptor
    /// Nil when the caller hashes the original itself (`ArrivingUpload`).
    private let hasher: SHA256Hasher?
    private let sizeLimit: Int64
    private let floor: FreeSpaceFloor
    private let spool: URL
    private let budget: SpoolMemoryBudget
    /// The encrypted bytes while they are kept in memory; `reserved` of the budget is theirs.
    private var memory: [UInt8] = []
    private var reserved = 0
    /// Set once the upload has gone to disk.
    private var file: DurableFile?
    public private(set) var size: Int64 = 0
    /// The first bytes, kept to sniff the type.
    public private(set) var prefix: [UInt8] = []

    /// The free space is checked again each time this many more bytes have arrived.
    static let floorCheckInterval: Int64 = 4 << 20

    public init(
        in spool: URL, sizeLimit: Int64, floor: FreeSpaceFloor = .none, budget: SpoolMemoryBudget = .shared, hashing: Bool = true
    ) throws {
        try floor.check(spool)
        hasher = hashing ? SHA256Hasher() : nil
        self.floor = floor
        self.spool = spool
        self.budget = budget
        key = SecureRandom.bytes(count: 32)
        encryptor = try ChunkedStreamEncryptor(key: key)
        self.sizeLimit = sizeLimit
    }

    deinit { budget.release(reserved) }

    /// The type sniffed from the first bytes, once enough have arrived (nil while too few, or when unknown).
    public var sniffedType: MediaType? { MediaSniffer.sniff(prefix) }

    /// Whether the upload has gone to a file in the spool (it is larger than memory allows).
    public var isOnDisk: Bool { file != nil }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        let before = size
        size += Int64(bytes.count)
        guard size <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        if before / Self.floorCheckInterval != size / Self.floorCheckInterval { try floor.check(spool) }
        if prefix.count < MediaSniffer.prefixLength {
            prefix += bytes.prefix(MediaSniffer.prefixLength - prefix.count)
        }
        hasher?.update(bytes)
        try store(encryptor.update(bytes))
    }

    public func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Keeps encrypted bytes in memory while the budget allows, else moves everything to a file.
    private func store(_ encrypted: [UInt8]) throws {
        if let file {
            try file.write(encrypted)
        } else if memory.count + encrypted.count <= budget.perUpload && budget.reserve(encrypted.count) {
            reserved += encrypted.count
            memory += encrypted
        } else {
            let file = try DurableFile(creating: spool.appendingPathComponent(Hex.encode(SecureRandom.bytes(count: 16))))
            self.file = file
            try file.write(memory)
            try file.write(encrypted)
            budget.release(reserved)
            reserved = 0
            memory = []
        }
    }

    /// Ends the upload; the result can be read back (decrypted) for scrubbing. `originalSHA256` is the caller's
    /// hash when the spool file does not hash.
    public func finish(originalSHA256: String? = nil) throws -> SpooledUpload {
        try store(encryptor.finish())
        let storage: SpooledUpload.Storage
        if let file {
            try file.close(syncing: false)
            storage = .file(file.url, key: key)
        } else {
            // The reservation moves to the upload, which gives it back when it is gone.
            storage = .memory(SpoolMemory(bytes: memory, budget: budget), key: key)
            reserved = 0
            memory = []
        }
        guard let sha256 = hasher.map({ Hex.encode($0.finalize()) }) ?? originalSHA256 else {
            preconditionFailure("a spool file that does not hash needs the caller's hash")
        }
        return SpooledUpload(storage: storage, size: size, originalSHA256: sha256, prefix: prefix)
    }

    /// Forgets the upload and removes its bytes.
    public func discard() {
        budget.release(reserved)
        reserved = 0
        memory = []
        guard let file else { return }
        try? file.close(syncing: false)
        try? FileManager.default.removeItem(at: file.url)
        FileSystem.resetFolderTimes(of: file.url)
    }
}

/// A complete upload in the spool or in memory, with the ephemeral key that decrypts it.
public struct SpooledUpload: Sendable {
    /// An encrypted piece of an upload, the key it was encrypted under, and its length: the sealed stream may go on
    /// with padding (`PartialUploadPadding`).
    struct Piece: Sendable {
        let url: URL
        let key: [UInt8]
        let length: Int64
    }

    /// A piece of a resumable upload kept as a blob (shared by several nodes).
    struct BlobPiece: Sendable {
        let blobKey: String
        let key: [UInt8]
        let length: Int64
    }

    enum Storage: Sendable {
        case file(URL, key: [UInt8])
        case memory(SpoolMemory, key: [UInt8])
        /// A resumable upload as it was received, one piece per PATCH, in a folder of its own.
        case pieces(folder: URL, [Piece])
        /// A resumable upload as it was received, one blob per PATCH.
        case blobs(any BlobStore, [BlobPiece])
    }

    let storage: Storage
    public let size: Int64
    public let originalSHA256: String
    public let prefix: [UInt8]

    public var sniffedType: MediaType? { MediaSniffer.sniff(prefix) }

    /// The spool file or folder holding the upload, or nil when it is kept in memory.
    public var url: URL? {
        switch storage {
        case .file(let url, _), .pieces(let url, _): url
        case .memory, .blobs: nil
        }
    }

    /// The decrypted original, as a stream for the scrubber.
    public func openOriginal() throws -> any ByteSource {
        try SpoolReader(storage: storage)
    }

    public func remove() {
        if case .blobs(let store, let pieces) = storage {
            for piece in pieces { try? store.delete(piece.blobKey) }
        }
        guard let url else { return }
        try? FileManager.default.removeItem(at: url)
        FileSystem.resetFolderTimes(of: url)
    }
}

/// Decrypts a spooled upload block by block, piece after piece; rewinding starts decryption over (some formats
/// need two passes). A piece's padding is decrypted, and so authenticated, but not returned.
final class SpoolReader: RewindableByteSource, SkippingByteSource {
    private enum Source {
        case file(URL)
        case memory(SpoolMemory)
        case blob(any BlobStore, String)
    }

    /// Each piece's plaintext length, when it may be followed by padding.
    private let pieces: [(source: Source, key: [UInt8], length: Int64?)]
    private var index = 0
    /// Plaintext bytes of the current piece decrypted or passed over so far, padding included.
    private var position: Int64 = 0
    private var reader: (any BlobReader)?
    private var memoryOffset = 0
    private var decryptor: ChunkedStreamDecryptor?
    private var pending: [UInt8] = []
    private var pendingStart = 0

    static let blockSize = 256 * 1024

    init(storage: SpooledUpload.Storage) throws {
        switch storage {
        case .file(let url, let key): pieces = [(.file(url), key, nil)]
        case .memory(let memory, let key): pieces = [(.memory(memory), key, nil)]
        case .pieces(_, let list): pieces = list.map { (.file($0.url), $0.key, $0.length) }
        case .blobs(let store, let list): pieces = list.map { (.blob(store, $0.blobKey), $0.key, $0.length) }
        }
        try rewind()
    }

    func rewind() throws {
        index = 0
        pending = []
        pendingStart = 0
        try openPiece()
    }

    func read(maxLength: Int) throws -> [UInt8] {
        while pendingStart == pending.count && index < pieces.count {
            pending = try decryptNextBlock()
            pendingStart = 0
        }
        let end = min(pending.count, pendingStart + maxLength)
        let out = Array(pending[pendingStart..<end])
        pendingStart = end
        return out
    }

    private func openPiece() throws {
        reader = nil
        memoryOffset = 0
        position = 0
        decryptor = nil
        guard index < pieces.count else { return }
        switch pieces[index].source {
        case .file(let url): reader = try BlockFileReader(url)
        case .blob(let store, let key): reader = try store.openReader(key)
        case .memory: break
        }
        decryptor = try ChunkedStreamDecryptor(key: pieces[index].key)
    }

    /// Passes over `count` plaintext bytes, seeking to the chunk they end in where the piece is a file or in memory,
    /// so a skim for an MP4's index does not decrypt its media data. What is passed over is not authenticated here:
    /// the pass that writes reads it all.
    func skip(_ count: Int) throws -> Int {
        var skipped = 0
        while skipped < count {
            if pendingStart < pending.count {
                let taken = min(count - skipped, pending.count - pendingStart)
                pendingStart += taken
                skipped += taken
                continue
            }
            guard index < pieces.count else { break }
            if let decryptor, let sealedLength = try currentSealedLength(),
                let pieceLength = pieces[index].length.map(Int.init) ?? ChunkedStreamDecryptor.plaintextLength(ofSealed: sealedLength)
            {
                // Nothing of this piece is pending: its plaintext so far is exactly the chunks opened.
                let position = decryptor.chunksOpened * ChunkedStreamDecryptor.chunkSize
                let target = position + min(count - skipped, pieceLength - position)
                // The chunk the target lies in is decrypted from its start (the last chunk always is).
                let chunk = max(0, min(target, pieceLength - 1)) / ChunkedStreamDecryptor.chunkSize
                if chunk > decryptor.chunksOpened {
                    try seekCurrent(toSealed: chunk * ChunkedStreamDecryptor.sealedChunkSize)
                    decryptor.skip(toChunk: chunk)
                    self.position = Int64(chunk * ChunkedStreamDecryptor.chunkSize)
                    skipped += chunk * ChunkedStreamDecryptor.chunkSize - position
                }
            }
            // Up to the target within its chunk, or through a piece that cannot seek (a blob), block by block.
            pending = try decryptNextBlock()
            pendingStart = 0
        }
        return skipped
    }

    /// The sealed size of the current piece when it can seek (a file, or memory); nil for a blob.
    private func currentSealedLength() throws -> Int? {
        switch pieces[index].source {
        case .file: Int(try (reader as! BlockFileReader).size())
        case .memory(let memory): memory.bytes.count
        case .blob: nil
        }
    }

    private func seekCurrent(toSealed offset: Int) throws {
        switch pieces[index].source {
        case .file: try (reader as! BlockFileReader).seek(to: Int64(offset))
        case .memory: memoryOffset = offset
        case .blob: preconditionFailure("a blob piece cannot seek")
        }
    }

    /// The next decrypted block of the current piece, without its padding; at a piece's end, its last bytes, and
    /// the next piece opens.
    private func decryptNextBlock() throws -> [UInt8] {
        guard let decryptor else { return [] }
        switch pieces[index].source {
        case .file, .blob:
            let block = try reader!.read(maxLength: Self.blockSize)
            if !block.isEmpty { return try withoutPadding(decryptor.update(block)) }
        case .memory(let memory):
            let end = min(memory.bytes.count, memoryOffset + Self.blockSize)
            if memoryOffset < end {
                defer { memoryOffset = end }
                return try withoutPadding(decryptor.update(memory.bytes[memoryOffset..<end]))
            }
        }
        let last = try withoutPadding(decryptor.finish())
        guard pieces[index].length.map({ position >= $0 }) ?? true else { throw SealedFileError.truncated }
        index += 1
        try openPiece()
        return last
    }

    /// The part of the current piece's next plaintext that lies before its padding.
    private func withoutPadding(_ plaintext: [UInt8]) -> [UInt8] {
        let start = position
        position += Int64(plaintext.count)
        guard let length = pieces[index].length, position > length else { return plaintext }
        return Array(plaintext.prefix(Int(max(0, length - start))))
    }
}
