import Foundation

/// Items handed from a producer thread to a consumer through a queue of at most `capacity` items: the producer runs
/// ahead by no more than that, so memory stays flat however much passes through. The consumer can stop the
/// producer by closing the channel.
final class BoundedChannel<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Item] = []
    private var ended = false
    private var failure: (any Error)?
    private var closed = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Producer: hands on `item`, waiting while the queue is full. False when the consumer has closed the channel:
    /// then the producer should stop.
    func send(_ item: Item) -> Bool {
        condition.withLock {
            while items.count >= capacity && !closed { condition.wait() }
            guard !closed else { return false }
            items.append(item)
            condition.broadcast()
            return true
        }
    }

    /// Producer: there is nothing more; `error` is what stopped it early, if anything.
    func finish(throwing error: (any Error)? = nil) {
        condition.withLock {
            ended = true
            failure = error
            condition.broadcast()
        }
    }

    /// Consumer: the next item, waiting for it; nil once the producer has finished and every item is taken.
    /// Throws what stopped the producer, after the items it sent before.
    func receive() throws -> Item? {
        try condition.withLock {
            while items.isEmpty && !ended { condition.wait() }
            if !items.isEmpty {
                condition.broadcast()
                return items.removeFirst()
            }
            if let failure { throw failure }
            return nil
        }
    }

    /// Consumer: takes nothing more, and waits until the producer has finished (it stops at its next `send`).
    func close() {
        condition.withLock {
            closed = true
            items.removeAll()
            condition.broadcast()
            while !ended { condition.wait() }
        }
    }
}
