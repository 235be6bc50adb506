import Foundation

extension StoreVerifier {
    /// Hashes per read while the interior hashes are compared.
    static let interiorChunk = 65_536

    /// Every stored interior hash (`log_node`) of a subtree within the `leafHashes` read, recomputed level by level
    /// from the leaves and compared: proofs are built from them, so one altered or missing would give proofs that
    /// fail. Nodes past those leaves (appended since they were read) are left to the next run.
    func checkInteriorHashes(_ leafHashes: [[UInt8]], into report: inout VerificationReport) throws {
        var below = leafHashes
        var level = 1
        while below.count >= 2 {
            let thisLevel = level
            let count = below.count / 2
            var current: [[UInt8]] = []
            current.reserveCapacity(count)
            for start in stride(from: 0, to: count, by: Self.interiorChunk) {
                let end = min(count, start + Self.interiorChunk)
                let stored = try desk.store.database.read { session in
                    try session.rows(
                        "SELECT idx, hash FROM log_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx", [thisLevel, start, end]
                    ).map { (try $0.int(0), [UInt8](try $0.data(1))) }
                }
                var byIndex = stored.makeIterator()
                var next = byIndex.next()
                for index in start..<end {
                    let hash = MerkleTree.nodeHash(below[2 * index], below[2 * index + 1])
                    current.append(hash)
                    guard let (storedIndex, storedHash) = next, storedIndex == index else {
                        report.problems.append(.init(subject: "log subtree level \(level) index \(index)", problem: "its interior hash is missing"))
                        continue
                    }
                    if storedHash != hash {
                        report.problems.append(.init(subject: "log subtree level \(level) index \(index)", problem: "its stored interior hash does not match the entries below it"))
                    }
                    next = byIndex.next()
                }
            }
            below = current
            level += 1
        }
    }
}
