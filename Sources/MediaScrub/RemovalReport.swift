/// One kind of structure removed from a file, aggregated.
public struct RemovedItem: Sendable, Codable, Equatable, Hashable {
    /// A short label for people, e.g. "Exif (APP1)" or "PNG text chunk tEXt".
    public let what: String
    /// How many segments or chunks of this kind were removed.
    public let count: Int
    /// The total bytes of this kind removed, headers included.
    public let bytes: Int

    /// An item of `count` structures of kind `what` totalling `bytes`.
    public init(what: String, count: Int, bytes: Int) {
        self.what = what
        self.count = count
        self.bytes = bytes
    }
}

/// What a scrubber removed from a file and what it wrote in their place.
public struct RemovalReport: Sendable, Codable, Equatable {
    /// The type of the file that was cleaned.
    public var mediaType: MediaType
    /// The removed structures, aggregated by `what`, in first-seen order.
    public var removed: [RemovedItem]
    /// Structures written that were not in the original, e.g. a minimal Exif orientation.
    public var added: [String]
    /// Set only for a damaged file, one cut short or spoiled where only image data lies: the byte offset in the
    /// original from which the remainder was kept as received. Everything before it was parsed and cleaned; from it
    /// on the output holds the original's bytes unchanged (possibly none of them, when the file ends there or what
    /// follows was unreadable and dropped). It is where the damaged structure begins: a JPEG's cut scan data or table
    /// segment, a PNG's cut IDAT/fdAT chunk, a GIF's cut image data, or where the next segment, chunk or block should
    /// have started. Nil for a file whose structure could be read to its end.
    public var keptAsReceivedAfter: Int?

    /// True when nothing was removed.
    public var isEmpty: Bool { removed.isEmpty }

    /// A report of `removed` and `added` structures for a file of `mediaType`.
    public init(mediaType: MediaType, removed: [RemovedItem] = [], added: [String] = [], keptAsReceivedAfter: Int? = nil) {
        self.mediaType = mediaType
        self.removed = removed
        self.added = added
        self.keptAsReceivedAfter = keptAsReceivedAfter
    }

    /// At most this many kinds are listed; a hostile file with thousands of distinct chunk types
    /// gets the rest under `overflowLabel`, which also keeps `noteRemoved` cheap.
    static let maxKinds = 64
    static let overflowLabel = "other structures"

    /// Counts `count` more structures of kind `what`, of `bytes` bytes in all.
    mutating func noteRemoved(_ what: String, count: Int = 1, bytes: Int) {
        var label = what
        var index = removed.firstIndex { $0.what == label }
        if index == nil && removed.count >= Self.maxKinds - 1 {
            label = Self.overflowLabel
            index = removed.firstIndex { $0.what == label }
        }
        if let index {
            let item = removed[index]
            removed[index] = RemovedItem(what: label, count: item.count + count, bytes: item.bytes.addingSaturated(bytes))
        } else {
            removed.append(RemovedItem(what: label, count: count, bytes: bytes))
        }
    }
}
