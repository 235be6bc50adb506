import Foundation

/// The bytes of an upload still arriving, handed from the request's task to the thread that scrubs them, in order.
///
/// The request side never blocks (it runs on a shared cooperative thread): it queues what arrived and, between
/// request buffers, awaits `waitForRoom` while more than `maxQueuedBytes` wait. The scrubbing thread blocks in
/// `take` until bytes arrive or the upload ends.
final class ArrivingBlocks: @unchecked Sendable {
    private let condition = NSCondition()
    private var blocks: [[UInt8]] = []
    private var head = 0
    private var queuedBytes = 0
    private var ended = false
    private var failure: (any Error)?
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    let maxQueuedBytes: Int
    /// How long `take` waits for bytes before it fails; nil: as long as it takes.
    private let idleTimeout: TimeInterval?

    init(maxQueuedBytes: Int = 4 << 20, idleTimeout: TimeInterval? = nil) {
        self.maxQueuedBytes = maxQueuedBytes
        self.idleTimeout = idleTimeout
    }

    // MARK: The request's side

    func push(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        push([UInt8](bytes))
    }

    /// Queues `block` itself: an array the caller no longer changes is handed on without a copy.
    func push(_ block: [UInt8]) {
        guard !block.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        guard !ended && failure == nil else { return }
        blocks.append(block)
        queuedBytes += block.count
        condition.broadcast()
    }

    /// No more bytes will come: `take` returns what is queued, then an empty block.
    func end() {
        condition.lock()
        ended = true
        let waiters = takeRoomWaiters()
        condition.broadcast()
        condition.unlock()
        waiters.forEach { $0.resume() }
    }

    /// Stops the reader: its next `take` throws `error`; what is queued is dropped. Later pushes are ignored.
    func fail(_ error: any Error) {
        condition.lock()
        if failure == nil { failure = error }
        blocks = []
        head = 0
        queuedBytes = 0
        let waiters = takeRoomWaiters()
        condition.broadcast()
        condition.unlock()
        waiters.forEach { $0.resume() }
    }

    /// Returns once at most `maxQueuedBytes` wait (or the reader has gone): the request's back-pressure.
    func waitForRoom() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if hasRoom {
                condition.unlock()
                continuation.resume()
            } else {
                roomWaiters.append(continuation)
                condition.unlock()
            }
        }
    }

    /// Whether the request may go on without waiting. Call with the lock held.
    private var hasRoom: Bool { queuedBytes <= maxQueuedBytes || ended || failure != nil }

    private func takeRoomWaiters() -> [CheckedContinuation<Void, Never>] {
        defer { roomWaiters = [] }
        return roomWaiters
    }

    // MARK: The scrubbing thread's side

    /// The next arrived block (at most `maxLength` bytes of it), waiting for one; empty at the end of the upload.
    func take(maxLength: Int) throws -> [UInt8] {
        condition.lock()
        let deadline = idleTimeout.map { Date().addingTimeInterval($0) }
        while head == blocks.count && !ended && failure == nil {
            guard let deadline else {
                condition.wait()
                continue
            }
            if !condition.wait(until: deadline) && head == blocks.count && !ended && failure == nil {
                // Nothing is queued, so nobody waits for room: later pushes are ignored, as after `fail`.
                failure = CoreError.storage("no bytes arrived for \(Int(idleTimeout!)) seconds")
            }
        }
        if let failure {
            condition.unlock()
            throw failure
        }
        guard head < blocks.count else {
            condition.unlock()
            return []
        }
        var block = blocks[head]
        if block.count > maxLength {
            blocks[head] = Array(block[maxLength...])
            block = Array(block[..<maxLength])
        } else {
            blocks[head] = []
            head += 1
            // Drop the taken blocks now and then, not on every take (which would move the rest each time).
            if head >= 64 {
                blocks.removeFirst(head)
                head = 0
            }
        }
        queuedBytes -= block.count
        // A waiting request is resumed once half the limit is free, not as soon as one block is: each resumption
        // is a wake-up of another thread, and per block they showed in the ingest's profile.
        let waiters = queuedBytes <= maxQueuedBytes / 2 || ended ? takeRoomWaiters() : []
        condition.unlock()
        waiters.forEach { $0.resume() }
        return block
    }
}
