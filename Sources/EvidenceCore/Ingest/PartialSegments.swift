import Foundation

/// A piece's bounds from the label it is stored under (`Handle.bounds(of:)`); nil when it does not open.
typealias BoundsOpener = (String) -> (start: Int64, end: Int64)?

/// A piece as stored: the sealed label of its bounds, where it is, and its row when it is recorded in the store.
struct StoredPiece {
    let label: String
    let location: String
    var id: Int64?
}

/// The pieces with their bounds opened; a label that does not open is a damaged upload.
func openedSegments(_ stored: [StoredPiece], opening: BoundsOpener) throws -> [PartialSegment] {
    try stored.map { piece in
        guard let bounds = opening(piece.label) else { throw PartialUploadError.damaged }
        return PartialSegment(start: bounds.start, end: bounds.end, location: piece.location, id: piece.id)
    }
}

/// Bytes `start..<end` of an upload, in one piece.
struct PartialSegment {
    let start: Int64
    let end: Int64
    /// A file name in the upload's folder, or a blob key.
    let location: String
    /// The piece's row, when it is recorded in the store.
    var id: Int64?
    /// Where the upload's next piece takes over (`reconciledSegments`): the piece is read up to here.
    var usedEnd: Int64

    init(start: Int64, end: Int64, location: String, id: Int64?) {
        self.start = start
        self.end = end
        self.location = location
        self.id = id
        usedEnd = end
    }

    /// The bytes of the upload it gives.
    var usedLength: Int64 { usedEnd - start }
}

/// The pieces that make the longest prefix of the upload, in order, and the others, to drop.
///
/// Pieces may overlap: a client resumes from `HEAD` while its dropped PATCH is still open, and that one goes on
/// and is kept later, longer than the offset the client resumed from. Every piece holds the upload's bytes from its
/// start, so overlapping pieces agree where they overlap: the chain starts with the piece from 0 that goes
/// furthest, and each next piece is the one that starts within the chain so far and goes furthest. A piece
/// followed by one that starts inside it is read only up to that start (its `usedEnd`).
func reconciledSegments(_ found: [PartialSegment]) -> (kept: [PartialSegment], dropped: [PartialSegment]) {
    let sorted = found.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    var kept: [PartialSegment] = []
    var used = Set<Int>()
    var reach: Int64 = 0
    var next = 0
    while true {
        // Candidates start after the last chosen piece's start and no later than the reach (0 for the first).
        var best: Int?
        while next < sorted.count && sorted[next].start <= reach {
            if sorted[next].start > (kept.last?.start ?? -1), sorted[next].end > reach,
                best.map({ sorted[next].end >= sorted[$0].end }) ?? true
            {
                best = next
            }
            next += 1
        }
        guard let chosen = best else { break }
        if !kept.isEmpty { kept[kept.count - 1].usedEnd = sorted[chosen].start }
        kept.append(sorted[chosen])
        used.insert(chosen)
        reach = sorted[chosen].end
    }
    let dropped = sorted.indices.filter { !used.contains($0) }.map { sorted[$0] }
    return (kept, dropped)
}
