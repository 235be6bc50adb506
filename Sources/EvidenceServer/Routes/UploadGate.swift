import NIOCore
import Synchronization

/// A counting gate on uploads handled at once. When the server is flooded, a newcomer waits a little for a place and
/// otherwise is told to come back (503 with Retry-After), instead of every upload slowing to a crawl and the disk and
/// memory filling with half-received files.
///
/// Under pressure the gate also sorts uploads by their pace (`UploadPace`). While someone waits, an upload in that
/// crawls (an attacker who sends a byte now and then holds a place for next to nothing) is dropped, and a place
/// that comes free goes to the waiter whose body has brought the most bytes while it waited: a real upload's bytes
/// fill the socket at once, an attacker's do not.
final class UploadGate: Sendable {
    private struct Waiter {
        let id: UInt64
        let connection: ObjectIdentifier?
        let continuation: CheckedContinuation<UInt64?, Never>
    }

    private struct State {
        /// Each place's ticket and the connection holding it.
        var holders: [UInt64: ObjectIdentifier?] = [:]
        var waiting: [Waiter] = []
        var nextTicket: UInt64 = 0

        mutating func ticket() -> UInt64 {
            nextTicket += 1
            return nextTicket
        }
    }

    private let state = Mutex(State())
    let capacity: Int
    let wait: Duration
    /// The uploads' pace, and the pace below which one in is dropped for a waiter once it has had `dropGrace` to
    /// show it; nil: nobody is dropped, and waiters are served in turn.
    let pace: UploadPace?
    let dropBelowRate: Int64
    let dropGrace: TimeAmount
    /// How often a waiter looks again for an upload to drop.
    static let recheck: Duration = .milliseconds(200)

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

    /// A ticket for a place, or nil when none came in time.
    private func acquire(_ connection: ObjectIdentifier?) async -> UInt64? {
        await withCheckedContinuation { continuation in
            let waiterID = state.withLock { state -> UInt64? in
                let ticket = state.ticket()
                if state.holders.count < capacity {
                    state.holders.updateValue(connection, forKey: ticket)
                    continuation.resume(returning: ticket)
                    return nil
                }
                state.waiting.append(Waiter(id: ticket, connection: connection, continuation: continuation))
                return ticket
            }
            guard let waiterID else { return }
            dropSlowest()
            // Look again now and then for an upload to drop, and give up after `wait` unless a place came first.
            Task { [wait] in
                let deadline = ContinuousClock.now + wait
                while ContinuousClock.now < deadline {
                    try? await Task.sleep(for: min(Self.recheck, deadline - .now))
                    guard self.isWaiting(waiterID) else { return }
                    self.dropSlowest()
                }
                let expired = self.state.withLock { state -> CheckedContinuation<UInt64?, Never>? in
                    guard let index = state.waiting.firstIndex(where: { $0.id == waiterID }) else { return nil }
                    return state.waiting.remove(at: index).continuation
                }
                expired?.resume(returning: nil)
            }
        }
    }

    private func isWaiting(_ id: UInt64) -> Bool {
        state.withLock { $0.waiting.contains { $0.id == id } }
    }

    /// While someone waits, drops the slowest upload in if it crawls, and hands its place on.
    private func dropSlowest() {
        guard let pace else { return }
        let (dropped, handed) = state.withLock { state -> (ObjectIdentifier?, (CheckedContinuation<UInt64?, Never>, UInt64)?) in
            guard !state.waiting.isEmpty,
                let slowest = pace.slowest(of: state.holders.values.compactMap { $0 }, below: dropBelowRate, after: dropGrace),
                let taken = state.holders.first(where: { $0.value == slowest })?.key
            else { return (nil, nil) }
            // The dropped upload's own release finds its ticket gone.
            state.holders.removeValue(forKey: taken)
            return (slowest, handOn(&state))
        }
        if let (continuation, ticket) = handed { continuation.resume(returning: ticket) }
        if let dropped { pace.drop(dropped) }
    }

    /// Gives a free place to the waiter whose body brought the most bytes while it waited (the longest waiter among
    /// equals); returns whom to wake.
    private func handOn(_ state: inout State) -> (CheckedContinuation<UInt64?, Never>, UInt64)? {
        guard !state.waiting.isEmpty else { return nil }
        var best = 0
        if let pace {
            let received = state.waiting.map { $0.connection.map(pace.received(by:)) ?? 0 }
            for index in received.indices where received[index] > received[best] { best = index }
        }
        let waiter = state.waiting.remove(at: best)
        state.holders.updateValue(waiter.connection, forKey: waiter.id)
        return (waiter.continuation, waiter.id)
    }

    private func release(_ ticket: UInt64) {
        let next = state.withLock { state -> (CheckedContinuation<UInt64?, Never>, UInt64)? in
            // Gone when this upload was dropped and its place handed on.
            guard state.holders.removeValue(forKey: ticket) != nil else { return nil }
            return handOn(&state)
        }
        if let (continuation, ticket) = next { continuation.resume(returning: ticket) }
    }
}
