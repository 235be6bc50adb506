import EvidenceCrypto
import Foundation
import MediaScrub

/// One file of a form post while it arrives: counted against its limit, hashed and sniffed on the way in, and, once
/// its type is known, scrubbed and sealed on a thread of its own (`LiveScrub`) as its bytes come.
///
/// It is also spooled (encrypted under a key that exists only in memory) for as long as a copy may be needed: while
/// the scrubber may start over (an MP4 whose index follows its media data), and, for the whole upload, when the
/// submitter may still ask to keep the original. Otherwise the spool is dropped as soon as the scrubber starts, and
/// no byte of the original is written anywhere. When its type is unknown, or too many uploads are being scrubbed
/// already, the upload is spooled whole and scrubbed after it ends, as `SpoolFile` alone does.
public final class ArrivingUpload {
    /// What scrubbing while receiving needs; nil to spool every upload whole.
    public struct LiveScrubbing: Sendable {
        let pipeline: IngestPipeline
        public let recipients: [X25519PublicKey]
        /// Seal on a second thread too (worth it for large files: the request's Content-Length says).
        public var sealsInBackground: Bool

        public init(pipeline: IngestPipeline, recipients: [X25519PublicKey], sealsInBackground: Bool) {
            self.pipeline = pipeline
            self.recipients = recipients
            self.sealsInBackground = sealsInBackground
        }

        var blobs: any BlobStore { pipeline.blobs }
    }

    private let spoolFolder: URL
    private let sizeLimit: Int64
    private let floor: FreeSpaceFloor
    private let settings: LiveScrubbing?
    private let mayKeepOriginal: Bool
    private let hasher = SHA256Hasher()
    private var spool: SpoolFile?
    private var live: LiveScrub?
    private var liveDecided = false
    public private(set) var size: Int64 = 0
    /// The first bytes, kept to sniff the type.
    public private(set) var prefix: [UInt8] = []

    /// `mayKeepOriginal`: the submitter has asked, or may still ask, to keep the original (the spool is kept whole).
    public init(
        in spool: URL, sizeLimit: Int64, floor: FreeSpaceFloor = .none, scrubbing settings: LiveScrubbing?,
        mayKeepOriginal: Bool
    ) throws {
        self.spool = try SpoolFile(in: spool, sizeLimit: sizeLimit, floor: floor, hashing: false)
        spoolFolder = spool
        self.sizeLimit = sizeLimit
        self.floor = floor
        self.settings = settings
        self.mayKeepOriginal = mayKeepOriginal
    }

    /// The type sniffed from the first bytes, once enough have arrived (nil while too few, or when unknown).
    public var sniffedType: MediaType? { MediaSniffer.sniff(prefix) }

    /// Whether it is being scrubbed while it arrives.
    public var isScrubbedLive: Bool { live != nil }

    /// Whether its bytes still go to the spool as well.
    public var keepsCopy: Bool { spool != nil }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        try append(bytes) { [UInt8](bytes) }
    }

    /// Appends `bytes`; when they are a whole array (as the multipart parser hands on most of a file), that array
    /// goes to the scrubbing thread as it is, where the other `append` copies the bytes into a new one.
    public func append(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { raw in try append(raw) { Array(bytes) } }
    }

    /// `block`: the bytes as an array of their own, made only when the scrubbing thread takes them.
    private func append(_ bytes: UnsafeRawBufferPointer, block: () -> [UInt8]) throws {
        let before = size
        size += Int64(bytes.count)
        guard size <= sizeLimit else { throw CoreError.fileTooLarge(limit: sizeLimit) }
        if spool == nil && before / SpoolFile.floorCheckInterval != size / SpoolFile.floorCheckInterval {
            try floor.check(spoolFolder)
        }
        if prefix.count < MediaSniffer.prefixLength {
            prefix += bytes.prefix(MediaSniffer.prefixLength - prefix.count)
        }
        hasher.update(bytes)
        if let live {
            if let failure = live.failure { throw failure }
            live.blocks.push(block())
        } else if !liveDecided && prefix.count >= MediaSniffer.prefixLength {
            liveDecided = true
            startLiveScrub(withEarlier: prefix.prefix(Int(before)), block)
        }
        if let spool {
            if let live, !mayKeepOriginal, live.needsNoCopy {
                spool.discard()
                self.spool = nil
            } else {
                try spool.append(bytes)
            }
        }
    }

    private func startLiveScrub(withEarlier earlier: ArraySlice<UInt8>, _ block: () -> [UInt8]) {
        guard let settings, let type = sniffedType else { return }
        live = LiveScrub(
            scrubber: MediaScrubber.scrubber(for: type), recipients: settings.recipients, blobs: settings.blobs,
            journalRoot: settings.pipeline.journalRoot, sealsInBackground: settings.sealsInBackground)
        guard let live else { return }
        earlier.withUnsafeBytes { live.blocks.push($0) }
        live.blocks.push(block())
    }

    /// Returns once the scrubbing thread has caught up enough: call between request buffers.
    public func waitForRoom() async {
        await live?.blocks.waitForRoom()
    }

    /// Ends the upload: waits for the scrubbing thread, or finishes the spool file.
    public func finish() async throws -> ReceivedUpload {
        let sha256 = Hex.encode(hasher.finalize())
        guard let live else {
            guard let spool else { throw CoreError.storage("an upload ended without its spooled copy") }
            self.spool = nil
            return .spooled(try spool.finish(originalSHA256: sha256))
        }
        self.live = nil
        live.blocks.end()
        var spooled: SpooledUpload?
        do {
            spooled = try spool?.finish(originalSHA256: sha256)
        } catch {
            live.blocks.fail(error)
            live.offerSpool(nil)
            _ = await live.result()
            throw error
        }
        spool = nil
        live.offerSpool(spooled)
        switch await live.result() {
        case .success(let outcome):
            let original = mayKeepOriginal ? spooled : nil
            if original == nil { spooled?.remove() }
            return .scrubbed(ScrubbedUpload(
                mediaType: sniffedType!, originalSize: size, originalSHA256: sha256, cleanedSize: outcome.cleanedSize,
                cleanedSHA256: outcome.cleanedSHA256, report: outcome.report, blob: outcome.blob, original: original,
                blobs: settings!.blobs, journal: outcome.journal))
        case .failure(let error):
            spooled?.remove()
            throw error
        }
    }

    /// Forgets the upload: stops its scrubbing thread (which removes what it wrote) and removes the spool.
    /// Await `settle` before answering, so nothing is left behind when the answer goes out.
    public func discard() {
        live?.blocks.fail(CoreError.storage("the upload was given up"))
        live?.offerSpool(nil)
        spool?.discard()
        spool = nil
    }

    /// Waits until the scrubbing thread, if any, has ended (after `discard`), and removes a blob it finished.
    public func settle() async {
        guard let live else { return }
        self.live = nil
        if case .success(let outcome) = await live.result() {
            try? settings?.blobs.delete(outcome.blob.key)
            outcome.journal?.close()
        }
    }
}
