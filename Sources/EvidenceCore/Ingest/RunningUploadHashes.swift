import EvidenceCrypto
import Foundation

/// The SHA-256 of each local partial upload so far, carried in memory from one PATCH to the next, so that a
/// finished upload's hash is known when it is claimed instead of costing another pass over all of it.
///
/// A hash goes on only along one unbroken chain of pieces, each PATCH starting where the last one kept ended.
/// Anything else forgets it: two PATCHes at the same offset at once (a client resuming while its dropped request
/// is still open), a restart, an upload past the cap. A forgotten hash is not a problem, only a slower claim:
/// `PartialUploads.complete` then reads the upload once to hash it, as it always did.
final class RunningUploadHashes: @unchecked Sendable {
    private struct Running {
        var offset: Int64
        var hasher: SHA256Hasher
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

    /// A hasher that has seen bytes `0..<offset` of the upload, for a PATCH starting there; nil when the hash
    /// there is not known. The upload's own hash is untouched until the PATCH's piece is kept (`advance`).
    func continuing(id: String, at offset: Int64) -> SHA256Hasher? {
        lock.withLock {
            guard let entry = running[id], entry.offset == offset else { return nil }
            return entry.hasher.copy()
        }
    }

    /// A PATCH's piece `start..<end` was kept, hashed by `hasher` (from `continuing(id:at: start)`). If another
    /// piece was kept since that PATCH began, which of the two the upload holds is not known here: forget it.
    func advance(id: String, from start: Int64, to end: Int64, hasher: SHA256Hasher) {
        lock.withLock {
            guard running[id]?.offset == start else {
                running[id] = nil
                return
            }
            running[id] = Running(offset: end, hasher: hasher)
        }
    }

    /// The digest of a finished upload of `length` bytes, when its hash went along every piece; forgets it either way.
    func take(id: String, length: Int64) -> [UInt8]? {
        lock.withLock {
            guard let entry = running.removeValue(forKey: id), entry.offset == length else { return nil }
            return entry.hasher.finalize()
        }
    }

    func forget(id: String) {
        lock.withLock { running[id] = nil }
    }

    /// Forgets the hashes of uploads that are gone (expired, removed by another process).
    func keepOnly(_ ids: Set<String>) {
        lock.withLock { running = running.filter { ids.contains($0.key) } }
    }

    var count: Int { lock.withLock { running.count } }
}
