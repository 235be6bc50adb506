import EvidenceCrypto
import Foundation
import MediaScrub

/// Resumable (tus) uploads in progress, unreadable to the server alone: each piece is encrypted under a key derived
/// from a secret that only the client's upload URL holds. The server keeps the id, the hour it began, a check value
/// of the key, and, sealed under that key too, the declared length and each piece's bounds (`PartialUploadSeals`).
/// Where the pieces live is the backing's business: `spool/partial/<id>/` on one machine, or the shared store and
/// bucket when several nodes serve one deployment (`init(store:blobs:…)`), so that an upload begun on one node
/// continues on another.
public struct PartialUploads: Sendable {
    let backing: any PartialUploadBacking
    public let maxAge: TimeInterval
    /// Checked before each PATCH and while it streams.
    public let floor: FreeSpaceFloor
    /// The local folder the floor is measured on.
    public let floorFolder: URL
    /// Each upload's SHA-256 so far and its scrubbing, on one node only: with several, a PATCH on another node
    /// breaks the chain without this one knowing which piece was kept.
    let running: RunningUploads?
    let fence = PatchFence()
    /// Uploads in progress at most; past it a creation is refused (`PartialUploadError.tooMany`).
    public var maxPending = Int.max
    private let pending = PendingUploadCount()
    /// A piece that does not end the upload is kept only if it brings at least this many bytes: a flood of tiny
    /// PATCHes would otherwise cost a file and a sync each.
    public var minimumPieceBytes: Int64 = 0
    /// Scrubs uploads while their PATCHes arrive, into this pipeline's blob store, when given.
    let scrubbingPipeline: IngestPipeline?
    /// A scrubbing that gets no bytes this long (a paused upload) gives up its thread; the upload is scrubbed
    /// when it is claimed instead.
    static let liveScrubIdleTimeout: TimeInterval = 60

    /// Partial uploads in `spool/partial/`, for one node. With `pipeline`, each upload is scrubbed and sealed into
    /// its blob store as its PATCHes arrive.
    public init(spool: URL, maxAge: TimeInterval = 24 * 3600, floor: FreeSpaceFloor = .none, scrubbingWith pipeline: IngestPipeline? = nil) {
        backing = PartialUploadFolder(root: spool.appendingPathComponent("partial", isDirectory: true))
        self.maxAge = maxAge
        self.floor = floor
        floorFolder = spool
        running = RunningUploads()
        scrubbingPipeline = pipeline
    }

    /// Partial uploads recorded in `store` with their pieces in `blobs`, shared by every node on them.
    public init(store: EvidenceStore, blobs: any BlobStore, spool: URL, maxAge: TimeInterval = 24 * 3600, floor: FreeSpaceFloor = .none) {
        backing = PartialUploadsInStore(store: store, blobs: blobs)
        self.maxAge = maxAge
        self.floor = floor
        floorFolder = spool
        running = nil
        scrubbingPipeline = nil
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
        /// The declared length, sealed (`Handle.sealedLength`).
        var sealedLength: String?
        /// The declared length in the clear, in an upload begun before lengths were sealed.
        var length: Int64?
        /// Seconds since 1970 of the hour the upload began (to the hour only), for expiry.
        var hour: Int64
        var keyCheck: String
    }

    /// Starts an upload of `length` bytes and returns its handle (the client keeps the secret).
    public func create(length: Int64) throws -> Handle {
        guard pending.current(counting: backing.count) < maxPending else { throw PartialUploadError.tooMany }
        let handle = Handle(id: Hex.encode(SecureRandom.bytes(count: 16)), secret: SecureRandom.bytes(count: 32))
        let now = Int64(Date().timeIntervalSince1970)
        try backing.create(
            id: handle.id,
            info: Info(sealedLength: try handle.sealedLength(length), hour: now - now % 3600, keyCheck: Hex.encode(handle.key(for: "check"))))
        pending.created()
        running?.begin(id: handle.id)
        return handle
    }

    /// The declared length and the bytes received so far; nil when there is no such upload or the secret is wrong.
    public func state(_ handle: Handle) throws -> (length: Int64, offset: Int64)? {
        try progress(handle).map { ($0.length, $0.segments.last?.usedEnd ?? 0) }
    }

    /// The declared length and the pieces kept so far, in order.
    private func progress(_ handle: Handle) throws -> (length: Int64, segments: [PartialSegment])? {
        guard let info = try info(handle) else { return nil }
        guard let length = try handle.length(of: info) else { throw PartialUploadError.damaged }
        return (length, try backing.segments(id: handle.id, opening: handle.bounds))
    }

    /// Appends the bytes of one PATCH, which must start at the current offset. The bytes received before a
    /// dropped connection are kept: call `finish` on the returned writer whatever happens.
    public func append(_ handle: Handle, at offset: Int64) throws -> PartialSegmentWriter? {
        guard let (length, segments) = try progress(handle) else { return nil }
        let current = segments.last?.usedEnd ?? 0
        guard offset == current else { throw PartialUploadError.wrongOffset(expected: current) }
        try floor.check(floorFolder)
        let piece = running.flatMap { running in
            running.continuing(id: handle.id, at: offset).map {
                RunningPiece(
                    running: running, id: handle.id, start: offset, hasher: $0.hasher, live: $0.live,
                    startsScrubbing: offset == 0 && $0.live == nil ? liveScrubStarter(length: length) : nil)
            }
        }
        let sink: any PartialSegmentSink
        do {
            sink = try backing.makeSink(id: handle.id)
        } catch {
            piece?.keptNothing()
            throw error
        }
        return try PartialSegmentWriter(
            sink: sink, start: offset, limit: length - offset, key: handle.key(for: "segment \(offset)"),
            label: { try handle.sealedBounds(start: offset, end: $0) },
            earlierSealed: segments.reduce(0) { $0 + ChunkedStreamEncryptor.sealedLength(ofPlaintext: $1.end - $1.start) },
            minimumCount: minimumPieceBytes,
            floor: floor, floorFolder: floorFolder, running: piece, fence: (fence, fence.enter(handle.id)))
    }

    /// Starts scrubbing an upload of `length` bytes once its first bytes tell its type; nil without a pipeline, or
    /// with blobs in an object store: such a blob cannot be read back before it is complete, so a video with its
    /// index last would hold its thread until the upload is claimed, to start over from the pieces.
    private func liveScrubStarter(length: Int64) -> (@Sendable (MediaType) -> LiveScrub?)? {
        guard let pipeline = scrubbingPipeline, pipeline.blobs is LocalBlobStore else { return nil }
        return { type in
            // Without keys the upload is scrubbed when claimed, and the ingest names the problem.
            guard let recipients = try? pipeline.currentRecipients() else { return nil }
            return LiveScrub(
                scrubber: MediaScrubber.scrubber(for: type), recipients: recipients, blobs: pipeline.blobs,
                journalRoot: pipeline.journalRoot, sealsInBackground: length >= IngestPipeline.backgroundSealingSize,
                idleTimeout: Self.liveScrubIdleTimeout)
        }
    }

    /// Takes a finished upload out of the partial uploads and hands it over for ingest as it lies, its pieces
    /// still encrypted under the client's keys: nothing is copied. Its SHA-256 was computed as its PATCHes
    /// arrived, and it may have been scrubbed as they did too; when that chain was broken (a restart, overlapping
    /// PATCHes, several nodes) one pass over it computes the hash now. Nil when there is no such upload, the
    /// secret is wrong, or another request took it first.
    public func complete(_ handle: Handle, into spool: URL, sizeLimit: Int64) throws -> CompletedUpload? {
        guard let (length, offset) = try state(handle) else { return nil }
        guard offset == length else { throw PartialUploadError.incomplete(received: offset, length: length) }
        guard length <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        let taken = running?.take(id: handle.id, length: length)
        // Taken at once, so that a second request naming it (or a DELETE), on this node or another, finds nothing.
        let claimed: ClaimedUpload
        do {
            guard let found = try backing.claim(id: handle.id, spool: spool, opening: handle.bounds) else {
                taken?.live?.abandon()
                return nil
            }
            claimed = found
        } catch {
            taken?.live?.abandon()
            throw error
        }
        do {
            let storage = claimed.makeStorage { handle.key(for: "segment \($0)") }
            if let runningDigest = taken?.digest {
                // Only the sniffer's prefix is read here (across pieces, however small the first ones are); the
                // scrubber reads, and so authenticates, the rest.
                let reader = try SpoolReader(storage: storage)
                var prefix: [UInt8] = []
                while prefix.count < MediaSniffer.prefixLength {
                    let block = try reader.read(maxLength: MediaSniffer.prefixLength - prefix.count)
                    if block.isEmpty { break }
                    prefix += block
                }
                let spooled = SpooledUpload(storage: storage, size: length, originalSHA256: Hex.encode(runningDigest), prefix: prefix)
                return CompletedUpload(spooled: spooled, live: taken?.live)
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
            return CompletedUpload(
                spooled: SpooledUpload(storage: storage, size: size, originalSHA256: Hex.encode(hasher.finalize()), prefix: prefix),
                live: nil)
        } catch {
            taken?.live?.abandon()
            claimed.discard()
            throw error
        }
    }

    /// Removes an upload (tus termination); false when there is no such upload or the secret is wrong.
    @discardableResult
    public func remove(_ handle: Handle) throws -> Bool {
        guard try info(handle) != nil else { return false }
        running?.forget(id: handle.id)
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
        running?.keepOnly(remaining)
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
            running?.forget(id: handle.id)
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
    /// The upload's pieces that make its longest prefix from offset 0 (`reconciledSegments`), their bounds opened
    /// from their labels; the others are removed.
    func segments(id: String, opening: BoundsOpener) throws -> [PartialSegment]
    func makeSink(id: String) throws -> any PartialSegmentSink
    /// Takes the upload out of the partial uploads, atomically; nil when it is gone (taken by another request).
    func claim(id: String, spool: URL, opening: BoundsOpener) throws -> ClaimedUpload?
    func remove(id: String) throws -> Bool
    /// Every upload, with its info when readable.
    func all() -> [(id: String, info: PartialUploads.Info?)]
    /// How many uploads there are.
    func count() -> Int
}

/// Where one PATCH's encrypted bytes go until the piece is kept or dropped.
protocol PartialSegmentSink: AnyObject {
    func write(_ bytes: [UInt8]) throws
    /// Makes the piece part of the upload under `label`, its sealed bounds.
    func keep(label: String) throws
    func discard()
}

/// A finished upload taken out of the partial uploads, ready to hand over.
struct ClaimedUpload {
    /// The storage of its pieces, given each piece's key by its start.
    let makeStorage: (_ keyForStart: (Int64) -> [UInt8]) -> SpooledUpload.Storage
    /// Removes the pieces when the hand-over fails.
    let discard: () -> Void
}

public enum PartialUploadError: Error, Equatable, CustomStringConvertible {
    case wrongOffset(expected: Int64)
    case beyondLength
    case incomplete(received: Int64, length: Int64)
    case damaged
    case superseded
    case tooMany
    case pieceTooSmall(minimum: Int64)

    public var description: String {
        switch self {
        case .wrongOffset(let expected): return "the upload continues at byte \(expected)"
        case .beyondLength: return "more bytes were sent than the upload declared"
        case .incomplete(let received, let length): return "the upload is incomplete: \(received) of \(length) bytes"
        case .damaged: return "the stored pieces of this upload cannot be read"
        case .superseded: return "a later PATCH of this upload took over"
        case .tooMany: return "too many uploads are in progress; try again later"
        case .pieceTooSmall(let minimum): return "a PATCH that does not end the upload must bring at least \(minimum) bytes"
        }
    }
}
