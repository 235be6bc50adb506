import Synchronization

/// A counting gate on uploads handled at once. When the server is flooded, a newcomer waits a little for a
/// place and otherwise is told to come back (503 with Retry-After), instead of every upload slowing to a crawl
/// and the disk and memory filling with half-received files.
final class UploadGate: Sendable {
    private let state: Mutex<(inUse: Int, waiting: [(id: Int, continuation: CheckedContinuation<Bool, Never>)], nextID: Int)>
    let capacity: Int
    let wait: Duration

    init(capacity: Int, wait: Duration) {
        self.capacity = max(1, capacity)
        self.wait = wait
        state = Mutex((0, [], 0))
    }

    /// Runs `body` holding a place, or returns nil when none came free within `wait`.
    func withPlace<Value>(_ body: () async throws -> Value) async rethrows -> Value? {
        guard await acquire() else { return nil }
        defer { release() }
        return try await body()
    }

    var inUse: Int { state.withLock { $0.inUse } }

    private func acquire() async -> Bool {
        await withCheckedContinuation { continuation in
            // Checked and queued under one lock, so a place freed in between cannot be missed.
            let waiterID = state.withLock { state -> Int? in
                if state.inUse < capacity {
                    state.inUse += 1
                    return nil
                }
                state.nextID += 1
                state.waiting.append((state.nextID, continuation))
                return state.nextID
            }
            guard let waiterID else {
                continuation.resume(returning: true)
                return
            }
            // Give up after `wait` unless a release handed this waiter a place first.
            Task { [wait] in
                try? await Task.sleep(for: wait)
                let expired = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard let index = state.waiting.firstIndex(where: { $0.id == waiterID }) else { return nil }
                    return state.waiting.remove(at: index).continuation
                }
                expired?.resume(returning: false)
            }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            if state.waiting.isEmpty {
                state.inUse -= 1
                return nil
            }
            // The place passes straight to the longest waiter: inUse stays the same.
            return state.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}
