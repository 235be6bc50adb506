import EvidenceCrypto
import Synchronization

/// One-time tokens, one in each form the server renders, so that the same form posted again (a reload of the page
/// a post answered, a second press of Send) creates nothing new and is answered "already received".
///
/// Held in memory only, never written: they say nothing about who sent what, and a restart forgets them (which at
/// worst lets one repeated post through). Bounded: past `capacity` the oldest are forgotten first.
final class FormTokens: Sendable {
    enum Claim: Equatable {
        /// New: the post goes ahead; `settle` it when answered.
        case claimed
        /// A post with this token was received, or is being received now.
        case alreadySent
    }

    private enum Entry {
        case inProgress
        case received(expires: ContinuousClock.Instant)
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Tokens in the order they were claimed, to forget the oldest first.
        var order: [String] = []
        var head = 0
    }

    static let characters = 32
    let capacity: Int
    let lifetime: Duration
    private let state = Mutex(State())

    init(capacity: Int = 100_000, lifetime: Duration = .seconds(24 * 3600)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// A new token for a form: 128 random bits, in hex.
    func issue() -> String {
        Hex.encode(SecureRandom.bytes(count: Self.characters / 2))
    }

    /// Claims `token` for a post; nil when it is no token of ours (the post goes ahead, as from a script).
    func claim(_ token: String) -> Claim? {
        guard token.utf8.count == Self.characters, token.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        let now = ContinuousClock.now
        return state.withLock { state in
            switch state.entries[token] {
            case .inProgress: return .alreadySent
            case .received(let expires) where expires > now: return .alreadySent
            default: break
            }
            state.entries[token] = .inProgress
            state.order.append(token)
            while state.entries.count > capacity, state.head < state.order.count {
                state.entries[state.order[state.head]] = nil
                state.head += 1
            }
            // Tokens freed by a refused post stay in `order` until here: it never grows past twice the capacity.
            if state.order.count - state.head > 2 * capacity || state.head > capacity {
                state.order = state.order[state.head...].filter { state.entries[$0] != nil }
                state.head = 0
            }
            return .claimed
        }
    }

    /// After the answer: a post that was received keeps its token taken for `lifetime`; one that was refused frees
    /// it, so the same form can be sent again once the problem is fixed.
    func settle(_ token: String, received: Bool) {
        let expires = ContinuousClock.now + lifetime
        state.withLock { state in
            if received {
                state.entries[token] = .received(expires: expires)
            } else {
                state.entries[token] = nil
            }
        }
    }
}
