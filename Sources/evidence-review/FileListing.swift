import EvidenceCore

/// One file as `list --json` and `show --json` print it. Field names are a stable contract for scripts,
/// documented in docs/REVIEW-JSON.md: fields may be added, never renamed or removed. The fields from the file's
/// sealed facts (hashes, exact sizes) are left out when no key opened them.
struct FileListing: Codable {
    let id: Int64
    let submission: Int64
    let receivedHour: String
    let type: String
    /// The hashes and exact sizes are sealed to the reviewers: present only when a key opened them (--key).
    let originalSize: Int64?
    let cleanedSize: Int64?
    /// The sealed copy's padded size: the file's size to within about 12%, known without a key.
    let sealedSize: Int64
    let status: String
    let originalSHA256: SHA256Text?
    let cleanedSHA256: SHA256Text?
    let sealedSHA256: SHA256Text
    let duplicates: [Int64]
    let tags: [String]
    let legalHold: Bool
    let originalKept: Bool
    let cleaned: Bool
    let purgedHour: String?

    enum CodingKeys: String, CodingKey {
        case id, submission, receivedHour = "received_hour", type, originalSize = "original_size"
        case cleanedSize = "cleaned_size", status, originalSHA256 = "original_sha256"
        case cleanedSHA256 = "cleaned_sha256", sealedSHA256 = "sealed_sha256", sealedSize = "sealed_size", duplicates
        case tags, legalHold = "legal_hold", originalKept = "original_kept", cleaned, purgedHour = "purged_hour"
    }

    init(_ file: FileRecord, annotations: FileAnnotations) {
        self.init(FileSummary(file), annotations: annotations)
    }

    init(_ file: FileSummary, annotations: FileAnnotations) {
        id = file.id
        submission = file.submissionID
        receivedHour = file.receivedHour
        type = file.mimeType
        originalSize = file.facts?.originalSize
        cleanedSize = file.facts?.cleanedSize
        sealedSize = file.sealedSize
        status = file.status.rawValue
        originalSHA256 = file.facts.map { SHA256Text($0.originalSHA256) }
        cleanedSHA256 = file.facts.map { SHA256Text($0.cleanedSHA256) }
        sealedSHA256 = file.sealedSHA256
        duplicates = annotations.duplicates(of: file)
        tags = annotations.tags(of: file)
        legalHold = annotations.legalHold(of: file)
        originalKept = file.originalKept
        cleaned = file.mediaType != nil
        purgedHour = file.purgedHour
    }

    /// One-letter flags for the table: H legal hold, O original kept, U not cleaned, P purged.
    var flags: String {
        [(legalHold, "H"), (originalKept, "O"), (!cleaned, "U"), (purgedHour != nil, "P")].filter(\.0).map(\.1).joined()
    }
}
