import Foundation

/// The latest PATCH of each upload on this node. A client that gave up on a stalled PATCH and resumed from `HEAD`
/// has no use for the old one's bytes: it stops at its next buffer instead of writing on beside the new one.
final class PatchFence: @unchecked Sendable {
    /// One PATCH's place: current until a later PATCH of the same upload enters.
    struct Ticket {
        let id: String
        let number: UInt64
    }

    private let lock = NSLock()
    private var latest: [String: UInt64] = [:]
    private var counter: UInt64 = 0

    func enter(_ id: String) -> Ticket {
        lock.withLock {
            counter += 1
            latest[id] = counter
            return Ticket(id: id, number: counter)
        }
    }

    func isCurrent(_ ticket: Ticket) -> Bool {
        lock.withLock { latest[ticket.id] == ticket.number }
    }

    /// Forgets the upload once its latest PATCH ends, so the table holds only PATCHes in flight.
    func leave(_ ticket: Ticket) {
        lock.withLock {
            if latest[ticket.id] == ticket.number { latest[ticket.id] = nil }
        }
    }
}
