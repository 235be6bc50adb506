import Foundation

/// Fills the interior hashes (`log_node`) of the entries a log held before the table existed, once: level by level,
/// each level's nodes hashed from the level below in batches, each batch in a transaction with its progress
/// (`log_node_fill`), so a crash resumes where it stopped. Appends meanwhile keep their own nodes; until the fill
/// is done, a missing node is folded from what is stored (`DatabaseLeafHashReader.subtreeHash`).
enum LogNodeFill {
    /// Nodes per transaction.
    static let batch = 8192

    /// Runs the fill to its end; returns the number of nodes written.
    @discardableResult
    static func run(_ database: any SQLDatabase) throws -> Int {
        var written = 0
        while let count = try database.write({ session in try step(in: session) }) {
            written += count
        }
        return written
    }

    /// Writes one batch and moves the progress on; nil when nothing is left to fill (the row is then removed).
    static func step(in session: any SQLSession) throws -> Int? {
        guard let row = try session.row("SELECT size, level, next FROM log_node_fill WHERE id = 1") else { return nil }
        let (size, level, next) = (try row.int(0), try row.int(1), try row.int(2))
        let nodes = size >> level
        guard nodes > 0 else {
            try session.execute("DELETE FROM log_node_fill WHERE id = 1")
            return nil
        }
        let end = min(nodes, next + batch)
        let children = try level == 1
            ? session.rows(
                "SELECT leaf_hash FROM log_entry WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index", [2 * next, 2 * end])
            : session.rows(
                "SELECT hash FROM log_node WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx", [level - 1, 2 * next, 2 * end])
        let hashes = try children.map { [UInt8](try $0.data(0)) }
        guard hashes.count == 2 * (end - next) else {
            throw MerkleTreeError.missingLeaves((2 * next)..<(2 * end), available: hashes.count)
        }
        for index in next..<end {
            let left = hashes[2 * (index - next)], right = hashes[2 * (index - next) + 1]
            try session.execute(
                "INSERT INTO log_node (level, idx, hash) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [level, index, Data(MerkleTree.nodeHash(left, right))])
        }
        let (nextLevel, nextIndex) = end == nodes ? (level + 1, 0) : (level, end)
        try session.execute("UPDATE log_node_fill SET level = ?, next = ? WHERE id = 1", [nextLevel, nextIndex])
        return end - next
    }
}
