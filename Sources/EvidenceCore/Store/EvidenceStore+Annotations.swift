import Foundation
import GRDB

/// What a listing shows beside each file's own columns (its duplicates, tags and legal hold), read for many files
/// with a few set-based queries instead of three per file.
public struct FileAnnotations: Sendable {
    /// File id → the other files with the same original or cleaned SHA-256, in id order; only files that have any.
    let duplicates: [Int64: [Int64]]
    /// Submission id → its tags (file id 0: on the whole submission), ordered by file id, then name.
    let tags: [Int64: [TagRecord]]
    let heldSubmissions: Set<Int64>

    /// As `EvidenceStore.duplicates(of:)`.
    public func duplicates(of file: FileRecord) -> [Int64] { duplicates[file.id!] ?? [] }

    /// As `EvidenceStore.tags(of:)`: the submission's tags, then the file's own.
    public func tags(of file: FileRecord) -> [String] {
        (tags[file.submissionID] ?? []).filter { $0.fileID == 0 || $0.fileID == file.id }.map(\.name)
    }

    /// Whether the file's submission is under legal hold.
    public func legalHold(of file: FileRecord) -> Bool { heldSubmissions.contains(file.submissionID) }
}

extension EvidenceStore {
    /// Files matching `query` with their annotations, read in one transaction so the two agree.
    public func annotatedFiles(matching query: FileQuery) throws -> (files: [FileRecord], annotations: FileAnnotations) {
        try pool.read { db in (try Self.files(matching: query, in: db), try Self.annotations(in: db)) }
    }

    /// The annotations of any file in the store.
    public func annotations() throws -> FileAnnotations {
        try pool.read { db in try Self.annotations(in: db) }
    }

    /// The annotations of one file, read in one transaction with the per-file queries: what `show` needs without
    /// reading every duplicate group, tag and hold in the store.
    public func annotations(of file: FileRecord) throws -> FileAnnotations {
        try pool.read { db in
            let duplicates = try Self.duplicates(of: file, in: db)
            let tags = try TagRecord.filter(Column("submission_id") == file.submissionID)
                .order(Column("file_id"), Column("name")).fetchAll(db)
            let held = try Bool.fetchOne(db, sql: "SELECT legal_hold FROM submission WHERE id = ?", arguments: [file.submissionID]) ?? false
            return FileAnnotations(
                duplicates: duplicates.isEmpty ? [:] : [file.id!: duplicates], tags: [file.submissionID: tags],
                heldSubmissions: held ? [file.submissionID] : [])
        }
    }

    static func annotations(in db: Database) throws -> FileAnnotations {
        FileAnnotations(duplicates: try duplicateGroups(in: db), tags: try tagsBySubmission(in: db), heldSubmissions: Set(
            try Int64.fetchAll(db, sql: "SELECT id FROM submission WHERE legal_hold")))
    }

    /// Only files whose original or cleaned hash occurs more than once can have duplicates: the two GROUP BYs run
    /// over the hash indexes, and the rows they pick are matched up in memory.
    private static func duplicateGroups(in db: Database) throws -> [Int64: [Int64]] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, original_sha256, cleaned_sha256 FROM file
            WHERE original_sha256 IN (SELECT original_sha256 FROM file GROUP BY original_sha256 HAVING COUNT(*) > 1)
               OR cleaned_sha256 IN (SELECT cleaned_sha256 FROM file GROUP BY cleaned_sha256 HAVING COUNT(*) > 1)
            """)
        var byOriginal: [String: [Int64]] = [:]
        var byCleaned: [String: [Int64]] = [:]
        for row in rows {
            byOriginal[row[1], default: []].append(row[0])
            byCleaned[row[2], default: []].append(row[0])
        }
        var groups: [Int64: [Int64]] = [:]
        for row in rows {
            let id: Int64 = row[0]
            let others = Set(byOriginal[row[1]]! + byCleaned[row[2]]!).subtracting([id])
            if !others.isEmpty { groups[id] = others.sorted() }
        }
        return groups
    }

    private static func tagsBySubmission(in db: Database) throws -> [Int64: [TagRecord]] {
        Dictionary(
            grouping: try TagRecord.order(Column("submission_id"), Column("file_id"), Column("name")).fetchAll(db),
            by: \.submissionID)
    }
}
