import Foundation

/// Hands blocks of bytes to a thread of its own, in order, a few at a time.
///
/// Sealing a large file is two passes of work per byte on one thread (AES-256-GCM, SHA-256 of the sealed bytes,
/// the write) after the decryption and scrubbing that produce it. With the sealing on a second thread both cores
/// work on one upload. At most `depth` blocks wait, so memory stays bounded; the producer waits when they do.
///
/// A side that waits is woken only when `wakeBatch` blocks can be taken (or room for that many made), not for every
/// block: each wake-up is a context switch, and per 64 KiB block they took a tenth of the ingest's time.
final class BackgroundBlockQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var blocks: [[UInt8]] = []
    private var ended = false
    private var done = false
    private var failure: (any Error)?
    private let depth: Int
    private let wakeBatch: Int
    private var producerWaits = false
    private var consumerWaits = false

    /// Starts the thread; `consume` runs on it for every block, in order, until it throws or the queue ends.
    init(depth: Int = 16, name: String = "sealing", consume: @escaping @Sendable ([UInt8]) throws -> Void) {
        self.depth = depth
        wakeBatch = max(1, depth / 2)
        let thread = Thread { [self] in run(consume) }
        thread.name = name
        thread.start()
    }

    /// Queues a block; throws the consumer's error if it has failed.
    func submit(_ block: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        while blocks.count >= depth && failure == nil {
            producerWaits = true
            condition.wait()
        }
        producerWaits = false
        if let failure { throw failure }
        blocks.append(block)
        if consumerWaits && blocks.count >= wakeBatch { condition.broadcast() }
    }

    /// Waits until every queued block is consumed (or the consumer failed) and stops the thread.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        ended = true
        condition.broadcast()
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    /// Drops the blocks not yet consumed and stops the thread; for a producer that gives up. Safe to call twice.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        blocks = []
        ended = true
        condition.broadcast()
        while !done { condition.wait() }
    }

    private func run(_ consume: ([UInt8]) throws -> Void) {
        condition.lock()
        while true {
            // Once out of blocks, wait for a batch of them (or the end), not for the next one.
            while blocks.count < (consumerWaits ? wakeBatch : 1) && !ended {
                consumerWaits = true
                condition.wait()
            }
            consumerWaits = false
            if blocks.isEmpty { break }
            let block = blocks.removeFirst()
            if producerWaits && blocks.count <= depth - wakeBatch { condition.broadcast() }
            condition.unlock()
            do {
                try consume(block)
                condition.lock()
            } catch {
                condition.lock()
                failure = error
                blocks = []
                condition.broadcast()
                break
            }
        }
        done = true
        condition.broadcast()
        condition.unlock()
    }
}
