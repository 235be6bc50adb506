import Foundation

/// One submission's rows, recorded by `EvidenceStore.commit`.
enum SubmissionWrite: Sendable {
    case new(SubmissionRecord, files: [FileRecord])
    case addition(files: [FileRecord], sealedMessage: Data?, to: SubmissionRecord, hour: String)
}

/// Records submissions that arrive together in one transaction: one durable commit (one fsync of the database)
/// and one signed checkpoint for all of them, instead of one each. Nobody is answered before their rows are durable.
///
/// Leader and followers, with no thread of its own: a caller that finds no commit running takes every waiting
/// submission (its own too) and commits them; callers that come meanwhile wait, and the first of them to wake
/// commits the next batch.
final class GroupCommitter: @unchecked Sendable {
    private final class Ticket {
        let write: SubmissionWrite
        var result: Result<(stored: [(file: FileRecord, logIndex: Int)], checkpoint: String?), any Error>?

        init(_ write: SubmissionWrite) {
            self.write = write
        }
    }

    private let store: EvidenceStore
    private let log: TransparencyLog
    private let condition = NSCondition()
    private var waiting: [Ticket] = []
    private var committing = false

    init(store: EvidenceStore, log: TransparencyLog) {
        self.store = store
        self.log = log
    }

    /// Records `write`, with others waiting now, and returns its stored files and a checkpoint that includes them.
    func commit(_ write: SubmissionWrite) throws -> (stored: [(file: FileRecord, logIndex: Int)], checkpoint: String?) {
        let ticket = Ticket(write)
        condition.lock()
        waiting.append(ticket)
        while ticket.result == nil {
            if committing {
                condition.wait()
                continue
            }
            committing = true
            let batch = waiting
            waiting = []
            condition.unlock()
            let results = record(batch)
            condition.lock()
            for (member, result) in zip(batch, results) { member.result = result }
            committing = false
            condition.broadcast()
        }
        let result = ticket.result!
        condition.unlock()
        return try result.get()
    }

    private func record(_ batch: [Ticket]) -> [Result<(stored: [(file: FileRecord, logIndex: Int)], checkpoint: String?), any Error>] {
        do {
            let (results, checkpoint) = try store.commit(batch.map(\.write)) { log.sign(size: $0, root: $1) }
            return results.map { result in result.map { ($0, checkpoint) } }
        } catch {
            return batch.map { _ in .failure(error) }
        }
    }
}
