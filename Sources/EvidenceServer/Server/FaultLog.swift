import Foundation
import Logging
import Synchronization

/// The server's only output while it serves: operational faults (a full disk, a store that does not answer), at
/// most one line a minute, with the number of faults since the last line and no request id. A line per request,
/// upload or refusal, or a time finer than the minute's, could be matched with a network provider's connection
/// records to find a submitter.
final class FaultLog: Sendable {
    private let logger: Logger
    private let interval: TimeInterval
    /// When the last line went out, and how many faults came since.
    private let state = Mutex<(last: Date?, unreported: Int)>((nil, 0))

    init(logger: Logger, interval: TimeInterval = 60) {
        self.logger = logger
        self.interval = interval
    }

    /// Notes a fault; writes a line only if none was written in the last minute.
    func report(_ what: String, error: any Error, now: Date = Date()) {
        let due: Int? = state.withLock { state in
            state.unreported += 1
            if let last = state.last, now.timeIntervalSince(last) < interval { return nil }
            defer { state = (now, 0) }
            return state.unreported
        }
        guard let count = due else { return }
        logger.error("\(what)", metadata: ["error": "\(error)", "faults in the last minute": "\(count)"])
    }
}
