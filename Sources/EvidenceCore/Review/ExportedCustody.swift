/// `<id>.custody.json` beside an exported file (docs/TRANSPARENCY-LOG.md, "Checking an export"): what the file's
/// sealed facts hold, so a court can recompute the log's commitments from the file, and the file's log entries.
struct ExportedCustody: Encodable {
    struct Entry: Encodable {
        let index: String
        let leafHash: String
        let entry: String

        enum CodingKeys: String, CodingKey {
            case index, leafHash = "leaf_hash", entry
        }
    }

    let file: Int64
    /// nil for a file received before commitments: its entry names its hashes in the clear.
    let opening: String?
    let originalSHA256: String
    let originalSize: Int64
    let cleanedSHA256: String
    let cleanedSize: Int64
    let entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case file, opening, originalSHA256 = "original_sha256", originalSize = "original_size"
        case cleanedSHA256 = "cleaned_sha256", cleanedSize = "cleaned_size", entries
    }
}
