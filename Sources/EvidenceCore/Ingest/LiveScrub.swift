import EvidenceCrypto
import Foundation
import MediaScrub

/// Scrubs, hashes and seals one upload on a thread of its own while the upload arrives, so the request's task
/// only counts, hashes and hands on its bytes: the file is stored when its last byte is in, instead of being
/// spooled first and read back after.
///
/// An MP4 whose index follows its media data is still one pass: what the index removes in the media data already
/// sealed is zeroed afterwards (`ZeroingSealingSink`). Only when the blob cannot be read back (an object store)
/// does such a scrubber start over, from the spooled copy, which it then waits for (`offerSpool`).
final class LiveScrub: @unchecked Sendable {
    struct Outcome: Sendable {
        let report: RemovalReport
        let blob: StoredBlob
        let cleanedSHA256: String
        let cleanedSize: Int64
        let journal: IngestJournal?
    }

    let blocks: ArrivingBlocks
    /// The keys it seals to: a submission sealed to others cannot take its blob.
    let recipients: [X25519PublicKey]
    let blobs: any BlobStore
    private let condition = NSCondition()
    private var rewindForgone = false
    private var rewound = false
    private var offeredSpool: SpooledUpload??
    private var outcome: Result<Outcome, any Error>?
    private var outcomeWaiters: [CheckedContinuation<Result<Outcome, any Error>, Never>] = []

    /// Starts the thread, or returns nil when `LiveScrubSlots` are all taken (the caller spools instead).
    /// `idleTimeout`: the scrubbing gives up (and its slot) when no bytes come for that long.
    init?(
        scrubber: any Scrubber, recipients: [X25519PublicKey], blobs: any BlobStore, journalRoot: URL?,
        sealsInBackground: Bool, idleTimeout: TimeInterval? = nil
    ) {
        guard LiveScrubSlots.shared.take() else { return nil }
        blocks = ArrivingBlocks(idleTimeout: idleTimeout)
        self.recipients = recipients
        self.blobs = blobs
        rewindForgone = !scrubber.mayRewind
        let thread = Thread { [self] in
            let result = Result {
                try scrub(scrubber, recipients: recipients, blobs: blobs, journalRoot: journalRoot, inBackground: sealsInBackground)
            }
            // The request may still be sending (a scrubber can stop before the end): its bytes are not needed now.
            blocks.fail(CoreError.storage("the scrubber has finished"))
            LiveScrubSlots.shared.give()
            condition.lock()
            outcome = result
            let waiters = outcomeWaiters
            outcomeWaiters = []
            condition.broadcast()
            condition.unlock()
            waiters.forEach { $0.resume(returning: result) }
        }
        thread.name = "scrubbing"
        thread.start()
    }

    private func scrub(
        _ scrubber: any Scrubber, recipients: [X25519PublicKey], blobs: any BlobStore, journalRoot: URL?, inBackground: Bool
    ) throws -> Outcome {
        let sink = try ZeroingSealingSink(recipients: recipients, blobs: blobs, inBackground: inBackground)
        do {
            let report: RemovalReport
            do {
                // A blob that cannot be read back before its commit (an object store) cannot be zeroed afterwards.
                report = try scrubber.scrub(from: Source(self), to: sink.current.canReplay ? sink : sink.current)
            } catch let error as ScrubError {
                throw CoreError(scrubError: error)
            }
            var journal = try journalRoot.map { try IngestJournal(blobsRoot: $0) }
            let (blob, cleanedSHA256) = try sink.current.finish { try journal?.add($0) }
            return Outcome(report: report, blob: blob, cleanedSHA256: cleanedSHA256, cleanedSize: sink.current.size, journal: journal)
        } catch {
            sink.abort()
            throw error
        }
    }

    // MARK: The request's side

    /// Whether the scrubber will read only what arrives from now on, so no copy needs keeping for it.
    var needsNoCopy: Bool {
        condition.lock()
        defer { condition.unlock() }
        return rewindForgone && !rewound
    }

    /// The scrubber's error, once it has failed (the upload can be refused before the rest of it arrives).
    var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        if case .failure(let error) = outcome { return error }
        return nil
    }

    /// Hands over the complete spooled copy (nil when there is none), for a scrubber that starts over. Call once,
    /// when the upload has ended or failed.
    func offerSpool(_ spooled: SpooledUpload?) {
        condition.lock()
        offeredSpool = .some(spooled)
        condition.broadcast()
        condition.unlock()
    }

    /// Gives up on this scrubbing (not every byte it was given is part of the upload any more): the thread stops
    /// and whatever it wrote is removed, in the background.
    func abandon() {
        blocks.fail(CoreError.storage("the scrubbing of this upload was given up"))
        offerSpool(nil)
        Task { [self] in
            if case .success(let outcome) = await result() {
                try? blobs.delete(outcome.blob.key)
                outcome.journal?.close()
            }
        }
    }

    /// Waits for the thread to finish.
    func result() async -> Result<Outcome, any Error> {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let outcome {
                condition.unlock()
                continuation.resume(returning: outcome)
            } else {
                outcomeWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    // MARK: The scrubber's side

    private func forgoRewind() {
        condition.lock()
        rewindForgone = true
        condition.unlock()
    }

    /// The spooled copy to start over from; waits until the upload has ended.
    private func startOver() throws -> any RewindableByteSource {
        condition.lock()
        guard !rewindForgone else {
            condition.unlock()
            throw CoreError.storage("the scrubber started over after it said it would not")
        }
        rewound = true
        condition.unlock()
        // The arriving bytes are not needed any more: the request goes on into the spool alone.
        blocks.fail(CoreError.storage("the scrubber reads the spooled copy"))
        condition.lock()
        while offeredSpool == nil { condition.wait() }
        let spooled = offeredSpool!
        condition.unlock()
        guard let spooled else { throw CoreError.storage("the upload ended without a complete copy to read again") }
        return try SpoolReader(storage: spooled.storage)
    }

    /// What the scrubber reads: the arriving bytes, then (after a rewind) the spooled copy.
    private final class Source: ArrivingByteSource {
        private let live: LiveScrub
        private var spooled: (any RewindableByteSource)?

        init(_ live: LiveScrub) {
            self.live = live
        }

        func read(maxLength: Int) throws -> [UInt8] {
            if let spooled { return try spooled.read(maxLength: maxLength) }
            return try live.blocks.take(maxLength: maxLength)
        }

        func rewind() throws {
            if let spooled { return try spooled.rewind() }
            spooled = try live.startOver()
        }

        func forgoRewind() {
            if spooled == nil { live.forgoRewind() }
        }
    }
}

/// A `SealingSink` whose written bytes can be zeroed in places afterwards (an MP4 streamed before its index was
/// seen, whose index then removes a track with samples in it): it reads its blob back, zeroes, and seals into a new
/// blob. Its blobs' headers are written only at commit, so the first one, given up, can never be opened.
private final class ZeroingSealingSink: ZeroingByteSink {
    private let recipients: [X25519PublicKey]
    private let blobs: any BlobStore
    private let inBackground: Bool
    private var writer: any BlobWriter
    private(set) var current: SealingSink

    init(recipients: [X25519PublicKey], blobs: any BlobStore, inBackground: Bool) throws {
        self.recipients = recipients
        self.blobs = blobs
        self.inBackground = inBackground
        (writer, current) = try Self.open(recipients: recipients, blobs: blobs, inBackground: inBackground)
    }

    private static func open(recipients: [X25519PublicKey], blobs: any BlobStore, inBackground: Bool) throws -> (any BlobWriter, SealingSink) {
        let writer = try blobs.makeWriter(writingInBackground: inBackground)
        do {
            return (writer, try SealingSink(recipients: recipients, blob: writer, inBackground: inBackground, withholdingHeader: true))
        } catch {
            writer.abort()
            throw error
        }
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        try current.write(bytes)
    }

    func zero(_ ranges: ZeroRanges, counting counted: ZeroRanges) throws -> Int {
        let (newWriter, replacement) = try Self.open(recipients: recipients, blobs: blobs, inBackground: inBackground)
        var nonZero = 0
        do {
            var zeroing = ranges
            var counting = counted
            try current.replay { block, offset in
                nonZero += counting.nonZeroCovered(block[...], at: offset)
                try replacement.write(zeroing.apply(block[...], at: offset))
            }
        } catch {
            replacement.cancel()
            newWriter.abort()
            throw error
        }
        abort()
        (writer, current) = (newWriter, replacement)
        return nonZero
    }

    /// Stops the sealing thread before the blob it writes to is removed.
    func abort() {
        current.cancel()
        writer.abort()
    }
}

/// Scrubbing threads at once, across all uploads: past the limit an upload is spooled and scrubbed after it ends,
/// as before, so a flood of slow uploads cannot start thousands of threads.
final class LiveScrubSlots: @unchecked Sendable {
    static let shared = LiveScrubSlots(limit: 32)

    private let lock = NSLock()
    private let limit: Int
    private var taken = 0

    init(limit: Int) {
        self.limit = limit
    }

    func take() -> Bool {
        lock.withLock {
            guard taken < limit else { return false }
            taken += 1
            return true
        }
    }

    func give() {
        lock.withLock { taken -= 1 }
    }
}
