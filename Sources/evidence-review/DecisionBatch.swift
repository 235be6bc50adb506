/// Approving or rejecting several files: one question for all of them, then each file on its own, so one that cannot
/// be decided (an unknown id, a file already decided) is reported and the others still are.
struct DecisionBatch {
    /// The ids in the order given, each once.
    let ids: [Int64]
    /// The word for a decided file: "approved", "rejected".
    let done: String

    init(ids: [Int64], done: String) {
        var seen = Set<Int64>()
        self.ids = ids.filter { seen.insert($0).inserted }
        self.done = done
    }

    /// Decides every file with `decide`. One id is decided as it always was: no question, its error thrown as is.
    func run(question verb: String, yes: Bool, decide: (Int64) throws -> Void) throws {
        guard ids.count > 1 else {
            for id in ids {
                try decide(id)
                print("file \(id) \(done)")
            }
            return
        }
        try Confirmation.ask("\(verb) \(ids.count) files (\(Confirmation.list(ids)))?", yes: yes)
        var failed: [Int64] = []
        for id in ids {
            do {
                try decide(id)
                print("file \(id) \(done)")
            } catch {
                print("file \(id) not \(done): \(error)")
                failed.append(id)
            }
        }
        guard failed.isEmpty else {
            throw ReviewFailure(description: "\(failed.count) of \(ids.count) files not \(done) (\(Confirmation.list(failed))); the others were")
        }
    }
}
