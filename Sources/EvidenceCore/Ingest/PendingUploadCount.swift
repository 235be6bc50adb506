import Foundation

/// How many resumable uploads are in progress, for the cap on them. Counting reads the whole folder or table, so it
/// is done at most once a second, and the creations since are added to the last count.
final class PendingUploadCount: @unchecked Sendable {
    private let lock = NSLock()
    private var counted = 0
    private var countedAt: ContinuousClock.Instant?
    private var createdSince = 0

    func current(counting: () -> Int) -> Int {
        lock.withLock {
            if let countedAt, ContinuousClock.now - countedAt < .seconds(1) { return counted + createdSince }
            counted = counting()
            countedAt = .now
            createdSince = 0
            return counted
        }
    }

    func created() {
        lock.withLock { createdSince += 1 }
    }
}
