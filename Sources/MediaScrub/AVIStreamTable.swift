/// The types (`strh` fccType: `vids`, `auds`, `txts`, …) of an AVI file's streams, numbered as players number them:
/// each `strh` in the header list starts the next stream.
struct AVIStreamTable {
    /// Chunk names carry the stream number in two decimal digits, so later streams cannot own a chunk.
    static let maxStreams = 100

    private(set) var types: [String] = []
    /// The type of the stream whose `strl` list is being read; nil before its `strh`.
    private(set) var current: String?

    /// A `strl` list begins.
    mutating func beginList() {
        current = nil
    }

    /// A `strh` declares the next stream, of `type`.
    mutating func declare(_ type: String) {
        current = type
        if types.count < Self.maxStreams { types.append(type) }
    }

    /// The type of stream `number`, or nil when no such stream was declared.
    func type(of number: Int) -> String? {
        number < types.count ? types[number] : nil
    }
}
