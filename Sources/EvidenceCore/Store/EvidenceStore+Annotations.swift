import Foundation

/// What a listing shows beside each file's own columns (its duplicates, tags and legal hold), read for many files
/// with a few set-based queries instead of three per file.
public struct FileAnnotations: Sendable {
    /// File id → the other files with the same original or cleaned SHA-256, in id order; only files that have any.
    /// Empty as the store reads them: only a reviewer who opened the files' sealed facts can group them
    /// (`withDuplicates(among:)`).
    var duplicates: [Int64: [Int64]]
    /// Submission id → its tags (file id 0: on the whole submission), ordered by file id, then name.
    let tags: [Int64: [TagRecord]]
    let heldSubmissions: Set<Int64>

    /// The other files with the same original or cleaned SHA-256, once `withDuplicates(among:)` has found them.
    public func duplicates(of file: FileRecord) -> [Int64] { duplicates[file.id!] ?? [] }
    public func duplicates(of file: FileSummary) -> [Int64] { duplicates[file.id] ?? [] }

    /// These annotations with the duplicate groups among `files` (file id → its opened facts; files whose facts the
    /// reviewer's key does not open are simply absent). The same video sent by several witnesses is found this way
    /// on the reviewer's machine only: the store holds no hash to group by.
    public func withDuplicates(among files: [Int64: FileFacts]) -> FileAnnotations {
        var byOriginal: [String: [Int64]] = [:]
        var byCleaned: [String: [Int64]] = [:]
        for (id, facts) in files {
            byOriginal[facts.originalSHA256, default: []].append(id)
            byCleaned[facts.cleanedSHA256, default: []].append(id)
        }
        var annotated = self
        annotated.duplicates = [:]
        for (id, facts) in files {
            let others = Set(byOriginal[facts.originalSHA256]! + byCleaned[facts.cleanedSHA256]!).subtracting([id])
            if !others.isEmpty { annotated.duplicates[id] = others.sorted() }
        }
        return annotated
    }

    /// As `EvidenceStore.tags(of:)`: the submission's tags, then the file's own.
    public func tags(of file: FileRecord) -> [String] { tags(fileID: file.id!, submissionID: file.submissionID) }
    public func tags(of file: FileSummary) -> [String] { tags(fileID: file.id, submissionID: file.submissionID) }

    private func tags(fileID: Int64, submissionID: Int64) -> [String] {
        guard let tags = tags[submissionID] else { return [] }
        return tags.filter { $0.fileID == 0 || $0.fileID == fileID }.map(\.name)
    }

    /// Whether the file's submission is under legal hold.
    public func legalHold(of file: FileRecord) -> Bool { heldSubmissions.contains(file.submissionID) }
    public func legalHold(of file: FileSummary) -> Bool { heldSubmissions.contains(file.submissionID) }
}

extension EvidenceStore {
    /// Files matching `query` with their annotations, read in one transaction so the two agree.
    public func annotatedFiles(matching query: FileQuery) throws -> (files: [FileRecord], annotations: FileAnnotations) {
        try database.read { session in (try Self.files(matching: query, in: session), try Self.annotations(in: session)) }
    }

    /// What `list` shows of the files matching `query`, with their annotations, in one transaction. Only the
    /// summary's columns are read, in place as the statement steps (100,000 files are listed in well under a second).
    public func listedFiles(matching query: FileQuery) throws -> (files: [FileSummary], annotations: FileAnnotations) {
        var annotations: FileAnnotations?
        var files: [FileSummary] = []
        try streamListedFiles(matching: query, annotations: { annotations = $0 }, batch: { files += $0 })
        return (files, annotations!)
    }

    /// What `listedFiles` reads, handed on as it is read: first the annotations, then the files in batches of
    /// `batchSize`, all in one transaction. For listings of any size in flat memory; a `batch` that throws stops
    /// the reading.
    public func streamListedFiles(
        matching query: FileQuery, batchSize: Int = 4096, annotations: (FileAnnotations) throws -> Void,
        batch: ([FileSummary]) throws -> Void
    ) throws {
        let (selection, arguments) = Self.selection(query)
        try database.read { session in
            try annotations(try Self.annotations(in: session))
            var files: [FileSummary] = []
            files.reserveCapacity(batchSize)
            try session.forEachRow("SELECT \(FileSummary.columns) FROM file WHERE \(selection)", arguments) { row in
                files.append(try FileSummary(row: row))
                if files.count == batchSize {
                    try batch(files)
                    files.removeAll(keepingCapacity: true)
                }
            }
            if !files.isEmpty { try batch(files) }
        }
    }

    /// The annotations of any file in the store.
    public func annotations() throws -> FileAnnotations {
        try database.read { session in try Self.annotations(in: session) }
    }

    /// The annotations of one file, read in one transaction with the per-file queries: what `show` needs without
    /// reading every tag and hold in the store.
    public func annotations(of file: FileRecord) throws -> FileAnnotations {
        try database.read { session in
            let tags = try Self.tags(submissionID: file.submissionID, in: session)
            let held = try SubmissionRecord.isHeld(session, id: file.submissionID)
            return FileAnnotations(duplicates: [:], tags: [file.submissionID: tags], heldSubmissions: held ? [file.submissionID] : [])
        }
    }

    /// Every file's id with its sealed facts, in id order: what a reviewer opens to group duplicates.
    public func sealedFacts() throws -> [(id: Int64, sealed: Data)] {
        try database.read { session in
            var all: [(id: Int64, sealed: Data)] = []
            try session.forEachRow("SELECT id, sealed_facts FROM file WHERE sealed_facts IS NOT NULL ORDER BY id", []) { row in
                all.append((try row.int64(0), try row.data(1)))
            }
            return all
        }
    }

    static func annotations(in session: any SQLSession) throws -> FileAnnotations {
        FileAnnotations(
            duplicates: [:], tags: try tagsBySubmission(in: session),
            heldSubmissions: Set(try session.int64s("SELECT id FROM submission WHERE legal_hold <> 0")))
    }

    private static func tagsBySubmission(in session: any SQLSession) throws -> [Int64: [TagRecord]] {
        Dictionary(
            grouping: try session.rows("SELECT \(TagRecord.columns) FROM tag ORDER BY submission_id, file_id, name").map(TagRecord.init(row:)),
            by: \.submissionID)
    }
}
