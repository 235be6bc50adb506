import EvidenceCrypto
import Foundation
import MediaScrub

/// Resumable (tus) uploads in progress, kept in `spool/partial/<id>/` so they survive a restart, yet unreadable to
/// the server alone: each piece is encrypted under a key derived from a secret that only the client's upload URL
/// holds. The server keeps the id, the declared length, the hour it began, and a check value of the key.
public struct PartialUploads: Sendable {
    public let root: URL
    public let maxAge: TimeInterval
    /// Checked before each PATCH and while it streams.
    public let floor: FreeSpaceFloor

    public init(spool: URL, maxAge: TimeInterval = 24 * 3600, floor: FreeSpaceFloor = .none) {
        root = spool.appendingPathComponent("partial", isDirectory: true)
        self.maxAge = maxAge
        self.floor = floor
    }

    /// A partial upload named by the client: its id and the secret from its URL.
    public struct Handle: Sendable {
        public let id: String
        let secret: [UInt8]

        /// "<id>-<secret hex>", the last part of the upload URL.
        public var token: String { id + "-" + Hex.encode(secret) }

        public init?(token: String) {
            let parts = token.split(separator: "-")
            guard parts.count == 2, parts[0].count == 32, let id = Hex.decode(String(parts[0])),
                let secret = Hex.decode(String(parts[1])), secret.count == 32
            else { return nil }
            self.id = Hex.encode(id)
            self.secret = secret
        }

        init(id: String, secret: [UInt8]) {
            self.id = id
            self.secret = secret
        }

        func key(for purpose: String) -> [UInt8] {
            HMACSHA256.authenticationCode(key: secret, message: Array("evidence-drop/v1 partial upload \(id) \(purpose)".utf8))
        }
    }

    struct Info: Codable {
        var length: Int64
        /// Seconds since 1970 of the hour the upload began (to the hour only), for expiry.
        var hour: Int64
        var keyCheck: String
    }

    /// Starts an upload of `length` bytes and returns its handle (the client keeps the secret).
    public func create(length: Int64) throws -> Handle {
        let handle = Handle(id: Hex.encode(SecureRandom.bytes(count: 16)), secret: SecureRandom.bytes(count: 32))
        let folder = root.appendingPathComponent(handle.id, isDirectory: true)
        try FileSystem.makeDirectory(folder)
        let now = Int64(Date().timeIntervalSince1970)
        let info = Info(length: length, hour: now - now % 3600, keyCheck: Hex.encode(handle.key(for: "check")))
        try FileSystem.writeAtomically(Array(try JSONEncoder().encode(info)), to: folder.appendingPathComponent("info.json"))
        return handle
    }

    /// The declared length and the bytes received so far; nil when there is no such upload or the secret is wrong.
    public func state(_ handle: Handle) throws -> (length: Int64, offset: Int64)? {
        guard let info = try info(handle) else { return nil }
        return (info.length, try segments(handle).last?.end ?? 0)
    }

    /// Appends the bytes of one PATCH, which must start at the current offset. The bytes received before a
    /// dropped connection are kept: call `finish` on the returned writer whatever happens.
    public func append(_ handle: Handle, at offset: Int64) throws -> PartialSegmentWriter? {
        guard let (length, current) = try state(handle) else { return nil }
        guard offset == current else { throw PartialUploadError.wrongOffset(expected: current) }
        let folder = root.appendingPathComponent(handle.id, isDirectory: true)
        try floor.check(root)
        return try PartialSegmentWriter(
            folder: folder, start: offset, limit: length - offset, key: handle.key(for: "segment \(offset)"), floor: floor)
    }

    /// Takes a finished upload out of the partial uploads and hands it over for ingest as it lies, its pieces
    /// still encrypted under the client's keys: nothing is copied. One pass over it computes its SHA-256.
    /// Nil when there is no such upload, the secret is wrong, or another request took it first.
    public func complete(_ handle: Handle, into spool: URL, sizeLimit: Int64) throws -> SpooledUpload? {
        guard let (length, offset) = try state(handle) else { return nil }
        guard offset == length else { throw PartialUploadError.incomplete(received: offset, length: length) }
        guard length <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        // Renamed out of partial/ at once, so that a second request naming it (or a DELETE) finds nothing. A crash
        // from here on leaves a folder in spool/ that the next start removes, as it removes spool files.
        let claimed = spool.appendingPathComponent("claimed-" + Hex.encode(SecureRandom.bytes(count: 16)), isDirectory: true)
        guard rename(root.appendingPathComponent(handle.id, isDirectory: true).path, claimed.path) == 0 else {
            if errno == ENOENT { return nil }
            throw CoreError.storage("cannot take the finished upload: \(FileSystem.reason(errno))")
        }
        FileSystem.setConstantModificationTime(root)
        FileSystem.setConstantModificationTime(spool)
        do {
            let pieces = try Self.segments(in: claimed).map {
                SpooledUpload.Piece(url: $0.url, key: handle.key(for: "segment \($0.start)"))
            }
            let storage = SpooledUpload.Storage.pieces(folder: claimed, pieces)
            let hasher = SHA256Hasher()
            var prefix: [UInt8] = []
            var size: Int64 = 0
            let reader = try SpoolReader(storage: storage)
            while true {
                let block = try reader.read(maxLength: SpoolReader.blockSize)
                if block.isEmpty { break }
                hasher.update(block)
                size += Int64(block.count)
                if prefix.count < MediaSniffer.prefixLength { prefix += block.prefix(MediaSniffer.prefixLength - prefix.count) }
            }
            guard size == length else { throw PartialUploadError.damaged }
            return SpooledUpload(storage: storage, size: size, originalSHA256: Hex.encode(hasher.finalize()), prefix: prefix)
        } catch {
            try? FileManager.default.removeItem(at: claimed)
            FileSystem.setConstantModificationTime(spool)
            throw error
        }
    }

    /// Removes an upload (tus termination); false when there is no such upload or the secret is wrong.
    @discardableResult
    public func remove(_ handle: Handle) throws -> Bool {
        guard try info(handle) != nil else { return false }
        try FileManager.default.removeItem(at: root.appendingPathComponent(handle.id, isDirectory: true))
        FileSystem.setConstantModificationTime(root)
        return true
    }

    /// Removes uploads begun more than `maxAge` ago; returns how many.
    @discardableResult
    public func removeExpired(now: Date = Date()) -> Int {
        var removed = 0
        for id in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            let folder = root.appendingPathComponent(id, isDirectory: true)
            let info = (try? Data(contentsOf: folder.appendingPathComponent("info.json"))).flatMap { try? JSONDecoder().decode(Info.self, from: $0) }
            // An upload without readable info is debris from a crash during creation: remove it too.
            if info.map({ isExpired($0, now: now) }) ?? true {
                try? FileManager.default.removeItem(at: folder)
                removed += 1
            }
        }
        return removed
    }

    /// Pieces whose PATCH never finished (the process died mid-request) are not part of any upload.
    public func removeUnfinishedSegments() {
        for id in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            let folder = root.appendingPathComponent(id, isDirectory: true)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.contains(".part-") {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }

    private func info(_ handle: Handle) throws -> Info? {
        let url = root.appendingPathComponent(handle.id, isDirectory: true).appendingPathComponent("info.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        let info = try JSONDecoder().decode(Info.self, from: data)
        // A wrong secret derives another key: treat it as no upload at all.
        guard info.keyCheck == Hex.encode(handle.key(for: "check")) else { return nil }
        // Expired uploads are gone at once, not only when the next sweep comes by.
        guard !isExpired(info, now: Date()) else {
            try? FileManager.default.removeItem(at: url.deletingLastPathComponent())
            FileSystem.setConstantModificationTime(root)
            return nil
        }
        return info
    }

    private func isExpired(_ info: Info, now: Date) -> Bool {
        now.timeIntervalSince1970 - Double(info.hour) > maxAge
    }

    private func segments(_ handle: Handle) throws -> [(start: Int64, end: Int64, url: URL)] {
        try Self.segments(in: root.appendingPathComponent(handle.id, isDirectory: true))
    }

    private static func segments(in folder: URL) throws -> [(start: Int64, end: Int64, url: URL)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".seg") }
        let found = names.compactMap { name -> (Int64, Int64, URL)? in
            let bounds = name.dropLast(4).split(separator: "-").compactMap { Int64($0) }
            guard bounds.count == 2 else { return nil }
            return (bounds[0], bounds[1], folder.appendingPathComponent(name))
        }.sorted { ($0.0, $1.1) < ($1.0, $0.1) }
        // A PATCH resumed while the dropped one was still open starts at the same offset: both hold the same bytes
        // of the same file from there, so the longer one is kept and the shorter removed.
        var kept: [(Int64, Int64, URL)] = []
        for segment in found {
            if let last = kept.last, last.0 == segment.0 {
                try? FileManager.default.removeItem(at: segment.2)
                FileSystem.resetFolderTimes(of: segment.2)
                continue
            }
            kept.append(segment)
        }
        var expected: Int64 = 0
        for segment in kept {
            guard segment.0 == expected else { throw PartialUploadError.damaged }
            expected = segment.1
        }
        return kept
    }
}

/// One PATCH's bytes, encrypted as they arrive; named `<start>-<end>.seg` when finished, so the offset survives.
public final class PartialSegmentWriter {
    private let folder: URL
    private let start: Int64
    private let limit: Int64
    private let file: DurableFile
    private let encryptor: ChunkedStreamEncryptor
    private let floor: FreeSpaceFloor
    /// Bytes written and counted in the upload's offset: only what reached the file.
    public private(set) var count: Int64 = 0
    /// A write failed after the encryptor had taken its bytes: the piece cannot be sealed consistently, so
    /// `finish` drops it and the client sends those bytes again from the previous offset.
    private var broken = false

    init(folder: URL, start: Int64, limit: Int64, key: [UInt8], floor: FreeSpaceFloor) throws {
        self.floor = floor
        self.folder = folder
        self.start = start
        self.limit = limit
        file = try DurableFile(creating: folder.appendingPathComponent("\(start).part-\(UUID().uuidString)"))
        encryptor = try ChunkedStreamEncryptor(key: key)
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard !broken else { throw CoreError.storage("an earlier write of this piece failed") }
        if count + Int64(bytes.count) > limit {
            // What fits the declared length is kept, however the body happened to be split into buffers.
            try append(UnsafeRawBufferPointer(rebasing: bytes.prefix(Int(limit - count))))
            throw PartialUploadError.beyondLength
        }
        let after = count + Int64(bytes.count)
        // Checked before the encryptor sees the bytes: a refusal here leaves the piece whole up to `count`.
        if count / SpoolFile.floorCheckInterval != after / SpoolFile.floorCheckInterval { try floor.check(folder) }
        do {
            try file.write(encryptor.update(bytes))
        } catch {
            broken = true
            throw error
        }
        count = after
    }

    /// Seals what arrived and makes it part of the upload, returning the upload's new offset. Nothing is kept
    /// when nothing arrived or a write failed; if sealing fails (a full disk) the piece is removed and the
    /// error thrown, so the offset never counts bytes that are not on disk.
    public func finish() throws -> Int64 {
        guard count > 0, !broken else {
            try? file.close(syncing: false)
            try? FileManager.default.removeItem(at: file.url)
            return start
        }
        do {
            try file.write(encryptor.finish())
            try file.close()
            try FileSystem.durableRename(file.url, to: folder.appendingPathComponent("\(start)-\(start + count).seg"))
        } catch {
            try? file.close(syncing: false)
            try? FileManager.default.removeItem(at: file.url)
            throw error
        }
        return start + count
    }
}

public enum PartialUploadError: Error, Equatable, CustomStringConvertible {
    case wrongOffset(expected: Int64)
    case beyondLength
    case incomplete(received: Int64, length: Int64)
    case damaged

    public var description: String {
        switch self {
        case .wrongOffset(let expected): return "the upload continues at byte \(expected)"
        case .beyondLength: return "more bytes were sent than the upload declared"
        case .incomplete(let received, let length): return "the upload is incomplete: \(received) of \(length) bytes"
        case .damaged: return "the stored pieces of this upload do not fit together"
        }
    }
}
