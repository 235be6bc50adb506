import Foundation

/// The bytes that the large buffers of every scrubbing in this process may hold at once: a movie's index and its
/// sample ranges. Each is bounded per file, but a few crafted files at once could still take more than the machine
/// has, and the kernel would then kill every upload in flight. A scrubbing that would pass the budget is refused
/// with `ScrubError.busy` instead (the server answers 503: the file may be fine, the server is full).
public final class ScrubMemory: @unchecked Sendable {
    /// The budget of this process, unless a task binds another (`current`).
    public static let shared = ScrubMemory(total: 512 << 20)
    /// The budget scrubbings in this task draw on.
    @TaskLocal public static var current = ScrubMemory.shared

    private let lock = NSLock()
    private var limit: Int
    private var used = 0

    public init(total: Int) {
        limit = total
    }

    /// The budget in bytes; a server sets it from its configuration at start.
    public var total: Int {
        get { lock.withLock { limit } }
        set { lock.withLock { limit = newValue } }
    }

    /// Bytes held now.
    public var inUse: Int { lock.withLock { used } }

    /// Runs `body` holding `count` bytes of the budget; throws `busy` without running it when they do not fit.
    func holding<Value>(_ count: Int, for what: @autoclosure () -> String, _ body: () throws -> Value) throws -> Value {
        let taken = lock.withLock {
            guard used + count <= limit else { return false }
            used += count
            return true
        }
        guard taken else { throw ScrubError.busy(what()) }
        defer { lock.withLock { used -= count } }
        return try body()
    }
}
