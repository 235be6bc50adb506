import NIOCore
import Synchronization

/// A counting gate on uploads handled at once. When the server is flooded, a newcomer takes the place of the
/// slowest upload in, if that one crawls (`pace`: an attacker who sends a byte now and then holds a place for next
/// to nothing); otherwise it waits a little for a place and then is told to come back (503 with Retry-After),
/// instead of every upload slowing to a crawl and the disk and memory filling with half-received files.
final class UploadGate: Sendable {
    private struct State {
        /// Each place's ticket and the connection holding it.
        var holders: [UInt64: ObjectIdentifier?] = [:]
        var waiting: [(id: UInt64, connection: ObjectIdentifier?, continuation: CheckedContinuation<UInt64?, Never>)] = []
        var nextTicket: UInt64 = 0

        mutating func ticket() -> UInt64 {
            nextTicket += 1
            return nextTicket
        }
    }

    private let state = Mutex(State())
    let capacity: Int
    let wait: Duration
    /// The uploads' pace, and the pace below which one is dropped for a newcomer once it has had `dropGrace` to
    /// show it; nil: nobody is dropped.
    let pace: UploadPace?
    let dropBelowRate: Int64
    let dropGrace: TimeAmount

    init(capacity: Int, wait: Duration, pace: UploadPace? = nil, dropBelowRate: Int64 = 4096, dropGrace: TimeAmount = .seconds(1)) {
        self.capacity = max(1, capacity)
        self.wait = wait
        self.pace = pace
        self.dropBelowRate = dropBelowRate
        self.dropGrace = dropGrace
    }

    /// Runs `body` holding a place for `connection`, or returns nil when none came free within `wait`.
    func withPlace<Value>(for connection: ObjectIdentifier? = nil, _ body: () async throws -> Value) async rethrows -> Value? {
        guard let ticket = await acquire(connection) else { return nil }
        defer { release(ticket) }
        if let connection { pace?.restart(connection) }
        return try await body()
    }

    var inUse: Int { state.withLock { $0.holders.count } }

    private func acquire(_ connection: ObjectIdentifier?) async -> UInt64? {
        await withCheckedContinuation { continuation in
            // Checked, taken over or queued under one lock, so a place freed in between cannot be missed.
            var dropped: ObjectIdentifier?
            let waiterID = state.withLock { state -> UInt64? in
                if state.holders.count < capacity {
                    let ticket = state.ticket()
                    state.holders[ticket] = connection
                    continuation.resume(returning: ticket)
                    return nil
                }
                if let pace, let slowest = pace.slowest(of: state.holders.values.compactMap { $0 }, below: dropBelowRate, after: dropGrace),
                    let taken = state.holders.first(where: { $0.value == slowest })?.key
                {
                    // The place passes to the newcomer at once; the dropped upload's own release finds it gone.
                    state.holders[taken] = nil
                    let ticket = state.ticket()
                    state.holders[ticket] = connection
                    dropped = slowest
                    continuation.resume(returning: ticket)
                    return nil
                }
                let id = state.ticket()
                state.waiting.append((id, connection, continuation))
                return id
            }
            if let dropped { pace?.drop(dropped) }
            guard let waiterID else { return }
            // Give up after `wait` unless a release handed this waiter a place first.
            Task { [wait] in
                try? await Task.sleep(for: wait)
                let expired = self.state.withLock { state -> CheckedContinuation<UInt64?, Never>? in
                    guard let index = state.waiting.firstIndex(where: { $0.id == waiterID }) else { return nil }
                    return state.waiting.remove(at: index).continuation
                }
                expired?.resume(returning: nil)
            }
        }
    }

    private func release(_ ticket: UInt64) {
        let next = state.withLock { state -> (CheckedContinuation<UInt64?, Never>, UInt64)? in
            // Gone when the place was handed to a newcomer (this upload was dropped).
            guard state.holders.removeValue(forKey: ticket) != nil else { return nil }
            guard !state.waiting.isEmpty else { return nil }
            // The place passes straight to the longest waiter.
            let waiter = state.waiting.removeFirst()
            state.holders[waiter.id] = waiter.connection
            return (waiter.continuation, waiter.id)
        }
        if let (continuation, ticket) = next { continuation.resume(returning: ticket) }
    }
}
