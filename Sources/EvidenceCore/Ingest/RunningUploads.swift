import EvidenceCrypto
import Foundation
import MediaScrub

/// What is carried in memory from one PATCH of a local partial upload to the next: the SHA-256 of its bytes so far
/// and, once its type is known, the scrubbing of it (`LiveScrub`) as the bytes come. A finished upload is then
/// hashed, scrubbed and sealed when it is claimed, instead of read once for the hash and again to scrub it.
///
/// Both go on only along one unbroken chain of pieces, each PATCH starting where the last one kept ended, with
/// every byte fed to the scrubber kept. Anything else forgets them: two PATCHes at one offset at once (a client
/// resuming while its dropped request is still open), a piece dropped after some of it was fed, a restart, an
/// upload past the cap. That is never a problem, only a slower claim: `PartialUploads.complete` then hashes the
/// pieces, and the form's ingest scrubs them, as for any spooled upload.
final class RunningUploads: @unchecked Sendable {
    private struct Running {
        var offset: Int64
        var hasher: SHA256Hasher
        /// Nil until the type is known, or while a PATCH feeds it (it is that PATCH's until the piece is kept).
        var live: LiveScrub?
    }

    private let lock = NSLock()
    private var running: [String: Running] = [:]
    /// An EVP context is a few hundred bytes; uploads begun past this many at once are hashed when claimed.
    private let limit: Int

    init(limit: Int = 10_000) {
        self.limit = limit
    }

    /// A new upload, nothing received yet.
    func begin(id: String) {
        lock.withLock {
            guard running.count < limit else { return }
            running[id] = Running(offset: 0, hasher: SHA256Hasher())
        }
    }

    /// For a PATCH starting at `offset`: a hasher that has seen bytes `0..<offset` and the upload's scrubbing,
    /// which this PATCH alone feeds from now on; nil when the hash there is not known. The upload's own hash is
    /// untouched until the PATCH's piece is kept (`advance`).
    func continuing(id: String, at offset: Int64) -> (hasher: SHA256Hasher, live: LiveScrub?)? {
        lock.withLock {
            guard var entry = running[id], entry.offset == offset else { return nil }
            let live = entry.live
            entry.live = nil
            running[id] = entry
            return (entry.hasher.copy(), live)
        }
    }

    /// A PATCH's piece `start..<end` was kept, hashed by `hasher` and, when `live` is given, fed to it whole. If
    /// another piece was kept since that PATCH began, which of the two the upload holds is not known here: forget
    /// both, and stop the scrubbing.
    func advance(id: String, from start: Int64, to end: Int64, hasher: SHA256Hasher, live: LiveScrub?) {
        let stale: [LiveScrub?] = lock.withLock {
            guard let entry = running[id], entry.offset == start else {
                defer { running[id] = nil }
                return [running[id]?.live, live]
            }
            running[id] = Running(offset: end, hasher: hasher, live: live)
            return [entry.live]
        }
        stale.forEach { $0?.abandon() }
    }

    /// A PATCH at `start` kept nothing: the scrubbing it fed nothing goes back, if the upload is still there.
    func giveBack(id: String, at start: Int64, live: LiveScrub?) {
        guard let live else { return }
        let kept = lock.withLock {
            guard var entry = running[id], entry.offset == start, entry.live == nil else { return false }
            entry.live = live
            running[id] = entry
            return true
        }
        if !kept { live.abandon() }
    }

    /// The digest of a finished upload of `length` bytes, when its hash went along every piece, with its scrubbing
    /// if that went along too; forgets the upload either way.
    func take(id: String, length: Int64) -> (digest: [UInt8], live: LiveScrub?)? {
        let (taken, stale): ((digest: [UInt8], live: LiveScrub?)?, LiveScrub?) = lock.withLock {
            guard let entry = running.removeValue(forKey: id) else { return (nil, nil) }
            guard entry.offset == length else { return (nil, entry.live) }
            return ((entry.hasher.finalize(), entry.live), nil)
        }
        stale?.abandon()
        return taken
    }

    func forget(id: String) {
        lock.withLock { running.removeValue(forKey: id) }?.live?.abandon()
    }

    /// Forgets the uploads that are gone (expired, removed by another process).
    func keepOnly(_ ids: Set<String>) {
        let gone = lock.withLock {
            let gone = running.filter { !ids.contains($0.key) }
            running = running.filter { ids.contains($0.key) }
            return gone
        }
        gone.values.forEach { $0.live?.abandon() }
    }

    var count: Int { lock.withLock { running.count } }

    /// Uploads being scrubbed as they arrive (for tests).
    var liveCount: Int { lock.withLock { running.values.filter { $0.live != nil }.count } }
}

/// A PATCH's share of its upload's running state (`RunningUploads`): the hash it carries on, and the scrubbing it
/// feeds, or starts once the first bytes of the upload tell its type.
final class RunningPiece {
    private let running: RunningUploads
    private let id: String
    /// Where the PATCH starts.
    private let start: Int64
    private let hasher: SHA256Hasher
    private(set) var live: LiveScrub?
    private var startsScrubbing: (@Sendable (MediaType) -> LiveScrub?)?
    /// The upload's first bytes, gathered until they tell its type.
    private var gathered: [UInt8] = []

    init(
        running: RunningUploads, id: String, start: Int64, hasher: SHA256Hasher, live: LiveScrub?,
        startsScrubbing: (@Sendable (MediaType) -> LiveScrub?)?
    ) {
        self.running = running
        self.id = id
        self.start = start
        self.hasher = hasher
        self.live = live
        self.startsScrubbing = startsScrubbing
    }

    /// Bytes written to the piece: hashed, and handed to the scrubbing.
    func take(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bytes)
        if let live {
            live.blocks.push(bytes)
            return
        }
        guard let starter = startsScrubbing else { return }
        gathered += bytes
        guard gathered.count >= MediaSniffer.prefixLength else { return }
        startsScrubbing = nil
        // An unknown type, or every scrubbing thread busy: the upload is scrubbed when it is claimed.
        live = MediaSniffer.sniff(Array(gathered.prefix(MediaSniffer.prefixLength))).flatMap(starter)
        gathered.withUnsafeBytes { live?.blocks.push($0) }
        gathered = []
    }

    /// The piece was kept whole: the upload's hash and scrubbing go on from its end.
    func kept(to end: Int64) {
        running.advance(id: id, from: start, to: end, hasher: hasher, live: live)
    }

    /// Nothing was written: the scrubbing goes back as it was.
    func keptNothing() {
        running.giveBack(id: id, at: start, live: live)
    }

    /// The piece was dropped after the scrubbing took some of it: it cannot go on.
    func keptOnlySome() {
        live?.abandon()
    }
}
