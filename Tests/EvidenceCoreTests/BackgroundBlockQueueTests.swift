@testable import EvidenceCore
import Foundation
import Testing

struct BackgroundBlockQueueTests {
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var blocks: [[UInt8]] = []
        var threads = Set<pthread_t>()
        func add(_ block: [UInt8]) {
            lock.withLock {
                blocks.append(block)
                threads.insert(pthread_self())
            }
        }
    }

    struct Refused: Error, Equatable {}

    /// A queue whose consumer takes `pause` microseconds per block, collecting what it consumes.
    static func slowQueue(depth: Int, pause: UInt32, into collected: Collected) -> BackgroundBlockQueue {
        BackgroundBlockQueue(depth: depth) { block in
            usleep(pause)
            collected.add(block)
        }
    }

    @Test("blocks arrive in order on one thread of their own, and finish waits for the last")
    func order() throws {
        let collected = Collected()
        let queue = Self.slowQueue(depth: 2, pause: 200, into: collected)
        let sent = (0..<200).map { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        for block in sent { try queue.submit(block) }
        try queue.finish()
        #expect(collected.lock.withLock { collected.blocks } == sent)
        #expect(collected.lock.withLock { collected.threads } == [collected.lock.withLock { collected.threads.first! }])
        #expect(collected.lock.withLock { collected.threads.first } != pthread_self(), "consumed on a thread of its own")
    }

    @Test("fewer blocks than a wake-up's batch are all consumed at finish",
          arguments: [1, 2, 16])
    func batches(depth: Int) throws {
        let collected = Collected()
        let queue = BackgroundBlockQueue(depth: depth) { collected.add($0) }
        // Three blocks, slowly: fewer than the default depth's batch of eight, so a waiting consumer waits on.
        for value in 0..<3 {
            try queue.submit([UInt8(value)])
            usleep(20_000)
        }
        try queue.finish()
        #expect(collected.lock.withLock { collected.blocks } == [[0], [1], [2]])
    }

    @Test("a producer ahead of its consumer waits, and is let go before the queue is empty")
    func producerAhead() throws {
        let collected = Collected()
        let queue = Self.slowQueue(depth: 16, pause: 2_000, into: collected)
        let sent = (0..<100).map { [UInt8($0)] }
        for block in sent {
            try queue.submit(block)
            // Never more than the depth waiting, plus the one being consumed.
            #expect(block[0] < 17 || collected.lock.withLock { collected.blocks.count } >= Int(block[0]) - 17)
        }
        try queue.finish()
        #expect(collected.lock.withLock { collected.blocks } == sent)
    }

    @Test("the consumer's error reaches the producer, at a later submit or at finish")
    func failure() throws {
        let queue = BackgroundBlockQueue(depth: 1) { block in
            if block == [3] { throw Refused() }
        }
        #expect(throws: Refused.self) {
            for value in 0..<1000 { try queue.submit([UInt8(truncatingIfNeeded: value)]) }
        }
        #expect(throws: Refused.self) { try queue.finish() }
    }

    @Test("cancel drops what is waiting and stops the thread; a second cancel does no harm")
    func cancel() throws {
        let collected = Collected()
        let queue = Self.slowQueue(depth: 8, pause: 20_000, into: collected)
        for value in 0..<8 { try queue.submit([UInt8(value)]) }
        queue.cancel()
        let consumed = collected.lock.withLock { collected.blocks.count }
        #expect(consumed < 8, "the waiting blocks were dropped")
        queue.cancel()
        usleep(50_000)
        #expect(collected.lock.withLock { collected.blocks.count } == consumed, "nothing is consumed after cancel")
    }
}
