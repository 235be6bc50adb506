import EvidenceCore

/// One file as `list --json` and `show --json` print it. Field names are a stable contract for scripts.
struct FileListing: Codable {
    let id: Int64
    let submission: Int64
    let receivedHour: String
    let type: String
    let originalSize: Int64
    let cleanedSize: Int64
    let status: String
    let originalSHA256: String
    let cleanedSHA256: String
    let sealedSHA256: String
    let duplicates: [Int64]

    enum CodingKeys: String, CodingKey {
        case id, submission, receivedHour = "received_hour", type, originalSize = "original_size"
        case cleanedSize = "cleaned_size", status, originalSHA256 = "original_sha256"
        case cleanedSHA256 = "cleaned_sha256", sealedSHA256 = "sealed_sha256", duplicates
    }

    init(_ file: FileRecord, duplicates: [Int64]) {
        id = file.id!
        submission = file.submissionID
        receivedHour = file.receivedHour
        type = file.mimeType
        originalSize = file.originalSize
        cleanedSize = file.cleanedSize
        status = file.status.rawValue
        originalSHA256 = file.originalSHA256
        cleanedSHA256 = file.cleanedSHA256
        sealedSHA256 = file.sealedSHA256
        self.duplicates = duplicates
    }
}
