@testable import evidence_review
import Foundation
import Testing

struct BoundedChannelTests {
    struct Broken: Error, Equatable {}

    /// Runs `produce` on a thread of its own, as `list --json` runs its reader.
    static func start(_ produce: @escaping @Sendable () -> Void) {
        Thread { produce() }.start()
    }

    @Test("every item arrives in order, and the producer never runs more than the capacity ahead")
    func order() throws {
        let channel = BoundedChannel<Int>(capacity: 3)
        let sent = Counter()
        Self.start {
            for item in 0..<1000 where channel.send(item) { sent.add() }
            channel.finish()
        }
        var received: [Int] = []
        while let item = try channel.receive() {
            // Sent ones not yet received: at most the queue's capacity, plus the one being handed over.
            #expect(sent.value - received.count <= 4)
            received.append(item)
            if item % 100 == 0 { Thread.sleep(forTimeInterval: 0.001) }
        }
        #expect(received == Array(0..<1000))
    }

    @Test("the producer's error arrives after the items it sent before it")
    func error() throws {
        let channel = BoundedChannel<Int>(capacity: 2)
        Self.start {
            _ = channel.send(1)
            _ = channel.send(2)
            channel.finish(throwing: Broken())
        }
        #expect(try channel.receive() == 1)
        #expect(try channel.receive() == 2)
        #expect(throws: Broken.self) { try channel.receive() }
    }

    @Test("closing stops a producer blocked on a full queue, and waits until it has finished")
    func close() throws {
        let channel = BoundedChannel<Int>(capacity: 1)
        let refused = Counter()
        let finished = Counter()
        Self.start {
            for item in 0..<1_000_000 where !channel.send(item) {
                refused.add()
                break
            }
            finished.add()
            channel.finish()
        }
        #expect(try channel.receive() == 0)
        channel.close()
        // close() returned only after the producer had finished, and it learnt of the close from send.
        #expect(refused.value == 1)
        #expect(finished.value == 1)
    }

    @Test("closing after the producer finished returns at once")
    func closeAfterEnd() throws {
        let channel = BoundedChannel<Int>(capacity: 4)
        Self.start { channel.finish() }
        #expect(try channel.receive() == nil)
        channel.close()
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }
}
