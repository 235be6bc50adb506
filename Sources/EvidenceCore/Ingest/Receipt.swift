import MediaScrub

/// What the submitter is given: the receipt code (shown once) and, per file, what was received and what was removed.
public struct Receipt: Codable, Sendable {
    public let code: String
    public let receivedHour: String
    public let files: [ReceiptFile]
    public let messageIncluded: Bool
    /// The signed log checkpoint whose tree includes every file's "received" entry (nil only if signing failed).
    public let checkpoint: String?
    /// The files refused on their own, by their index among those given to the ingest (the server names them).
    public var refusals: [FileRefusal] = []

    private enum CodingKeys: String, CodingKey {
        case code, receivedHour, files, messageIncluded, checkpoint
    }
}

public struct ReceiptFile: Codable, Sendable {
    public let type: String
    public let typeName: String
    public let originalSize: Int64
    public let cleanedSize: Int64
    public let originalSHA256: String
    public let cleanedSHA256: String
    /// The opening of the file's commitments in the log (64 hex digits): with it, and only with it, the file or
    /// either hash proves the file is in the log (`/verify`, `/log/proof`). The server keeps it sealed to the reviewers.
    public let opening: String
    public let removed: [RemovedItem]
    public let added: [String]
    /// Set when the file was damaged where no metadata can be (a photo cut short in its image data): cleaned up to
    /// this byte offset, kept as received from it.
    public let keptAsReceivedAfter: Int?
    /// Set when the file could not be cleaned; says what that means for the submitter.
    public let warning: String?
    /// Index of the file's "received" entry in the transparency log.
    public let logIndex: Int
    /// Whether the original, metadata and all, was kept too (the submitter's choice).
    public let originalKept: Bool
}
