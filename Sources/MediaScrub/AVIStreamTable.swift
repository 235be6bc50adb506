/// The types (`strh` fccType: `vids`, `auds`, `txts`, …) of an AVI file's streams, numbered as players number them:
/// each `strh` in the header list starts the next stream.
struct AVIStreamTable {
    /// Chunk names carry the stream number in two decimal digits, so later streams cannot own a chunk.
    static let maxStreams = 100

    private var types: [String] = []
    /// The numbers of the video streams whose frames are Motion JPEG, by their `strf` compression.
    private var motionJPEGStreams: Set<Int> = []
    private var declared = 0
    /// The type of the stream whose `strl` list is being read; nil before its `strh`.
    private(set) var current: String?

    /// A `strl` list begins.
    mutating func beginList() {
        current = nil
    }

    /// A `strh` declares the next stream, of `type`.
    mutating func declare(_ type: String) {
        current = type
        declared += 1
        if types.count < Self.maxStreams { types.append(type) }
    }

    /// The current stream's `strf` names its compression, e.g. `MJPG`.
    mutating func setCompression(_ compression: String) {
        guard current == "vids", declared <= Self.maxStreams, AVIChunkRules.motionJPEGCompressions.contains(compression) else { return }
        motionJPEGStreams.insert(declared - 1)
    }

    /// The type of stream `number`, or nil when no such stream was declared.
    func type(of number: Int) -> String? {
        number < types.count ? types[number] : nil
    }

    /// Whether stream `number` is Motion JPEG video.
    func isMotionJPEG(_ number: Int) -> Bool {
        motionJPEGStreams.contains(number)
    }
}
