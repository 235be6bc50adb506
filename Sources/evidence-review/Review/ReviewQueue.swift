/// The files under review, in id order, and which one is shown. Decided files keep their place, so a position such
/// as "3 of 17" does not shift under the reviewer.
struct ReviewQueue {
    let fileIDs: [Int64]
    private(set) var index = 0

    init(fileIDs: [Int64]) {
        precondition(!fileIDs.isEmpty, "an empty queue is reported before the review starts")
        self.fileIDs = fileIDs
    }

    var current: Int64 { fileIDs[index] }
    var position: String { "\(index + 1) of \(fileIDs.count)" }

    /// How many of the queue's files are in `pending`: the count that goes down as files are decided.
    func count(in pending: Set<Int64>) -> Int {
        fileIDs.filter(pending.contains).count
    }

    /// Moves one file on (or back); false at the end (or the start).
    mutating func move(by step: Int) -> Bool {
        guard fileIDs.indices.contains(index + step) else { return false }
        index += step
        return true
    }

    /// Moves to the first file after the current one, wrapping round, that is in `pending`; false when there is none.
    mutating func moveToNext(in pending: Set<Int64>) -> Bool {
        for step in 1..<fileIDs.count {
            let candidate = (index + step) % fileIDs.count
            if pending.contains(fileIDs[candidate]) {
                index = candidate
                return true
            }
        }
        return false
    }
}
