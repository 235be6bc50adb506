import EvidenceCrypto
import Foundation
import NIOCore
import Synchronization

/// Counts requests per source without keeping the source: each address is reduced to a keyed hash under a key
/// that lives only in memory and is replaced, with every counter, at the start of each window. After a window
/// nothing links a count to an address, and nothing of it ever reaches the disk or the log.
final class SourceRateLimiter: Sendable {
    private struct State {
        var key = SecureRandom.bytes(count: 32)
        var windowStart = ContinuousClock.now
        var counts: [Data: Int] = [:]
    }

    let limit: Int
    let window: Duration
    /// Loopback peers are a Tor daemon or a reverse proxy speaking for everyone: counting them would lock out
    /// every submitter at once, so they are not counted (proof of work is the tool for that setting).
    let countsLoopback: Bool
    private let state = Mutex(State())

    init(limit: Int, window: Duration, countsLoopback: Bool = false) {
        self.limit = limit
        self.window = window
        self.countsLoopback = countsLoopback
    }

    /// Counts one request from `address`; false when that source is over its limit in this window.
    func allow(_ address: SocketAddress?) -> Bool {
        guard limit > 0, let source = Self.source(of: address), countsLoopback || !Self.isLoopback(source) else { return true }
        return state.withLock { state in
            if ContinuousClock.now - state.windowStart >= window {
                state = State()
            }
            let tag = Data(HMACSHA256.authenticationCode(key: state.key, message: Array(source.utf8)).prefix(16))
            let count = state.counts[tag, default: 0] + 1
            state.counts[tag] = count
            return count <= limit
        }
    }

    /// Sources counted in the current window (for tests: never the addresses themselves).
    var trackedSources: Int { state.withLock { $0.counts.count } }

    private static func source(of address: SocketAddress?) -> String? {
        address?.ipAddress
    }

    private static func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
