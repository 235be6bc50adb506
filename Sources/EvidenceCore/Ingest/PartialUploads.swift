import EvidenceCrypto
import Foundation
import MediaScrub

/// Resumable (tus) uploads in progress, unreadable to the server alone: each piece is encrypted under a key derived
/// from a secret that only the client's upload URL holds. The server keeps the id, the declared length, the hour it
/// began, and a check value of the key. Where the pieces live is the backing's business: `spool/partial/<id>/` on
/// one machine, or the shared store and bucket when several nodes serve one deployment (`init(store:blobs:…)`),
/// so that an upload begun on one node continues on another.
public struct PartialUploads: Sendable {
    let backing: any PartialUploadBacking
    public let maxAge: TimeInterval
    /// Checked before each PATCH and while it streams.
    public let floor: FreeSpaceFloor
    /// The local folder the floor is measured on.
    public let floorFolder: URL
    /// Each upload's SHA-256 so far, on one node only: with several, a PATCH on another node breaks the chain
    /// without this one knowing which piece was kept.
    let hashes: RunningUploadHashes?

    /// Partial uploads in `spool/partial/`, for one node.
    public init(spool: URL, maxAge: TimeInterval = 24 * 3600, floor: FreeSpaceFloor = .none) {
        backing = PartialUploadFolder(root: spool.appendingPathComponent("partial", isDirectory: true))
        self.maxAge = maxAge
        self.floor = floor
        floorFolder = spool
        hashes = RunningUploadHashes()
    }

    /// Partial uploads recorded in `store` with their pieces in `blobs`, shared by every node on them.
    public init(store: EvidenceStore, blobs: any BlobStore, spool: URL, maxAge: TimeInterval = 24 * 3600, floor: FreeSpaceFloor = .none) {
        backing = PartialUploadsInStore(store: store, blobs: blobs)
        self.maxAge = maxAge
        self.floor = floor
        floorFolder = spool
        hashes = nil
    }

    /// The local folder of a one-node backing (tests look into it); nil when the pieces are shared.
    public var root: URL? { (backing as? PartialUploadFolder)?.root }

    /// Whether the uploads are shared by nodes (in the store and the blob store), so that every call may wait on
    /// the network.
    public var isShared: Bool { backing is PartialUploadsInStore }

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
        let now = Int64(Date().timeIntervalSince1970)
        try backing.create(id: handle.id, info: Info(length: length, hour: now - now % 3600, keyCheck: Hex.encode(handle.key(for: "check"))))
        hashes?.begin(id: handle.id)
        return handle
    }

    /// The declared length and the bytes received so far; nil when there is no such upload or the secret is wrong.
    public func state(_ handle: Handle) throws -> (length: Int64, offset: Int64)? {
        guard let info = try info(handle) else { return nil }
        return (info.length, try backing.segments(id: handle.id).last?.end ?? 0)
    }

    /// Appends the bytes of one PATCH, which must start at the current offset. The bytes received before a
    /// dropped connection are kept: call `finish` on the returned writer whatever happens.
    public func append(_ handle: Handle, at offset: Int64) throws -> PartialSegmentWriter? {
        guard let (length, current) = try state(handle) else { return nil }
        guard offset == current else { throw PartialUploadError.wrongOffset(expected: current) }
        try floor.check(floorFolder)
        let hashing = hashes.flatMap { hashes in
            hashes.continuing(id: handle.id, at: offset).map { RunningHash(hashes: hashes, id: handle.id, hasher: $0) }
        }
        return try PartialSegmentWriter(
            sink: backing.makeSink(id: handle.id, start: offset), start: offset, limit: length - offset,
            key: handle.key(for: "segment \(offset)"), floor: floor, floorFolder: floorFolder, hashing: hashing)
    }

    /// Takes a finished upload out of the partial uploads and hands it over for ingest as it lies, its pieces
    /// still encrypted under the client's keys: nothing is copied. Its SHA-256 was computed as its PATCHes
    /// arrived; when that chain was broken (a restart, overlapping PATCHes, several nodes) one pass over it
    /// computes it now. Nil when there is no such upload, the secret is wrong, or another request took it first.
    public func complete(_ handle: Handle, into spool: URL, sizeLimit: Int64) throws -> SpooledUpload? {
        guard let (length, offset) = try state(handle) else { return nil }
        guard offset == length else { throw PartialUploadError.incomplete(received: offset, length: length) }
        guard length <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        // Taken at once, so that a second request naming it (or a DELETE), on this node or another, finds nothing.
        let runningDigest = hashes?.take(id: handle.id, length: length)
        guard let claimed = try backing.claim(id: handle.id, spool: spool) else { return nil }
        do {
            let storage = claimed.makeStorage { handle.key(for: "segment \($0)") }
            if let runningDigest {
                // Only the sniffer's prefix is read here (across pieces, however small the first ones are); the
                // scrubber reads, and so authenticates, the rest.
                let reader = try SpoolReader(storage: storage)
                var prefix: [UInt8] = []
                while prefix.count < MediaSniffer.prefixLength {
                    let block = try reader.read(maxLength: MediaSniffer.prefixLength - prefix.count)
                    if block.isEmpty { break }
                    prefix += block
                }
                return SpooledUpload(storage: storage, size: length, originalSHA256: Hex.encode(runningDigest), prefix: prefix)
            }
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
            claimed.discard()
            throw error
        }
    }

    /// Removes an upload (tus termination); false when there is no such upload or the secret is wrong.
    @discardableResult
    public func remove(_ handle: Handle) throws -> Bool {
        guard try info(handle) != nil else { return false }
        hashes?.forget(id: handle.id)
        return try backing.remove(id: handle.id)
    }

    /// Removes uploads begun more than `maxAge` ago; returns how many.
    @discardableResult
    public func removeExpired(now: Date = Date()) -> Int {
        var removed = 0
        var remaining = Set<String>()
        for (id, info) in backing.all() {
            // An upload without readable info is debris from a crash during creation: it goes too.
            guard info.map({ isExpired($0, now: now) }) ?? true else {
                remaining.insert(id)
                continue
            }
            if (try? backing.remove(id: id)) == true { removed += 1 }
        }
        hashes?.keepOnly(remaining)
        return removed
    }

    /// Pieces whose PATCH never finished (the process died mid-request) are not part of any upload.
    public func removeUnfinishedSegments() {
        (backing as? PartialUploadFolder)?.removeUnfinishedSegments()
    }

    private func info(_ handle: Handle) throws -> Info? {
        guard let info = try backing.info(id: handle.id) else { return nil }
        // A wrong secret derives another key: treat it as no upload at all.
        guard info.keyCheck == Hex.encode(handle.key(for: "check")) else { return nil }
        // Expired uploads are gone at once, not only when the next sweep comes by.
        guard !isExpired(info, now: Date()) else {
            hashes?.forget(id: handle.id)
            _ = try? backing.remove(id: handle.id)
            return nil
        }
        return info
    }

    private func isExpired(_ info: Info, now: Date) -> Bool {
        now.timeIntervalSince1970 - Double(info.hour) > maxAge
    }
}

/// Where partial uploads live: their info and their pieces, in order.
protocol PartialUploadBacking: Sendable {
    func create(id: String, info: PartialUploads.Info) throws
    func info(id: String) throws -> PartialUploads.Info?
    /// The upload's pieces from offset 0, each starting where the one before ended (throws `damaged` if they do not).
    func segments(id: String) throws -> [PartialSegment]
    func makeSink(id: String, start: Int64) throws -> any PartialSegmentSink
    /// Takes the upload out of the partial uploads, atomically; nil when it is gone (taken by another request).
    func claim(id: String, spool: URL) throws -> ClaimedUpload?
    func remove(id: String) throws -> Bool
    /// Every upload, with its info when readable.
    func all() -> [(id: String, info: PartialUploads.Info?)]
}

/// Bytes `start..<end` of an upload, in one piece.
struct PartialSegment {
    let start: Int64
    let end: Int64
    /// A file name in the upload's folder, or a blob key.
    let location: String
    /// The piece's row, when it is recorded in the store.
    var id: Int64?
}

/// Where one PATCH's encrypted bytes go until the piece is kept or dropped.
protocol PartialSegmentSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
    /// Makes the piece part of the upload as bytes `start..<end`.
    func keep(end: Int64) throws
    func discard()
}

/// A finished upload taken out of the partial uploads, ready to hand over.
struct ClaimedUpload {
    /// The storage of its pieces, given each piece's key by its start.
    let makeStorage: (_ keyForStart: (Int64) -> [UInt8]) -> SpooledUpload.Storage
    /// Removes the pieces when the hand-over fails.
    let discard: () -> Void
}

/// The pieces in order, of which only the longest of those that start at the same offset (a PATCH resumed while the
/// dropped one was still open: both hold the same bytes from there), checked to follow each other from 0.
/// Returns the kept pieces and the shorter ones to drop.
func orderedSegments(_ found: [PartialSegment]) throws -> (kept: [PartialSegment], dropped: [PartialSegment]) {
    var kept: [PartialSegment] = []
    var dropped: [PartialSegment] = []
    for segment in found.sorted(by: { ($0.start, $1.end) < ($1.start, $0.end) }) {
        if let last = kept.last, last.start == segment.start {
            dropped.append(segment)
            continue
        }
        kept.append(segment)
    }
    var expected: Int64 = 0
    for segment in kept {
        guard segment.start == expected else { throw PartialUploadError.damaged }
        expected = segment.end
    }
    return (kept, dropped)
}

/// One PATCH's bytes, encrypted as they arrive into a sink; kept as bytes `start..<start+count` when finished, so
/// the offset survives a restart.
public final class PartialSegmentWriter {
    private let sink: any PartialSegmentSink
    private let start: Int64
    private let limit: Int64
    private let encryptor: ChunkedStreamEncryptor
    private let floor: FreeSpaceFloor
    private let floorFolder: URL
    /// Bytes written and counted in the upload's offset: only what reached the sink.
    public private(set) var count: Int64 = 0
    /// A write failed after the encryptor had taken its bytes: the piece cannot be sealed consistently, so
    /// `finish` drops it and the client sends those bytes again from the previous offset.
    private var broken = false
    /// The upload's SHA-256 carried on over this piece's bytes, when it was known at `start`.
    private let hashing: RunningHash?

    init(
        sink: any PartialSegmentSink, start: Int64, limit: Int64, key: [UInt8], floor: FreeSpaceFloor, floorFolder: URL,
        hashing: RunningHash? = nil
    ) throws {
        self.sink = sink
        self.start = start
        self.limit = limit
        self.floor = floor
        self.floorFolder = floorFolder
        self.hashing = hashing
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
        if count / SpoolFile.floorCheckInterval != after / SpoolFile.floorCheckInterval { try floor.check(floorFolder) }
        do {
            try sink.write(encryptor.update(bytes))
        } catch {
            broken = true
            throw error
        }
        hashing?.hasher.update(bytes)
        count = after
    }

    /// Seals what arrived and makes it part of the upload, returning the upload's new offset. Nothing is kept
    /// when nothing arrived or a write failed; if sealing fails (a full disk) the piece is dropped and the
    /// error thrown, so the offset never counts bytes that are not stored.
    public func finish() throws -> Int64 {
        guard count > 0, !broken else {
            sink.discard()
            return start
        }
        do {
            try sink.write(encryptor.finish())
            try sink.keep(end: start + count)
        } catch {
            sink.discard()
            throw error
        }
        if let hashing { hashing.hashes.advance(id: hashing.id, from: start, to: start + count, hasher: hashing.hasher) }
        return start + count
    }
}

/// A PATCH's share of its upload's running hash (`RunningUploadHashes`).
struct RunningHash {
    let hashes: RunningUploadHashes
    let id: String
    let hasher: SHA256Hasher
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
