/// Removes metadata from one container family, streaming from a source to a sink.
public protocol Scrubber: Sendable {
    /// The type this scrubber cleans.
    var mediaType: MediaType { get }
    /// Copies `source` to `sink` without its metadata and says what was removed.
    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport
    /// Whether `scrub` may read its source twice (`RewindableByteSource.rewind`). A scrubber that may tells an
    /// `ArrivingByteSource` itself when it no longer will; for the others the caller can say so before it starts.
    var mayRewind: Bool { get }
}

extension Scrubber {
    public var mayRewind: Bool { false }
}

/// The registry of scrubbers, picked by the sniffed type.
public enum MediaScrubber {
    /// The scrubber version recorded in the evidence trail.
    public static let version = "MediaScrub 1 (" + MediaType.allCases.map(\.rawValue).joined(separator: ", ") + ")"

    /// The scrubber for files of `type`.
    public static func scrubber(for type: MediaType) -> any Scrubber {
        switch type {
        case .jpeg: JPEGScrubber()
        case .png: PNGScrubber()
        case .gif: GIFScrubber()
        case .webp: WebPScrubber()
        case .wav: WAVScrubber()
        case .aiff: AIFFScrubber()
        case .mp3: MP3Scrubber()
        case .flac: FLACScrubber()
        case .ogg, .opus: OggScrubber(mediaType: type)
        case .heif, .avif, .mp4, .mov, .m4a, .threeGPP: ISOBMFFScrubber(mediaType: type)
        case .avi: AVIScrubber()
        }
    }

    /// Sniffs the type from the first bytes, then scrubs. Throws ScrubError.unsupportedType.
    public static func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        var prefix: [UInt8] = []
        while prefix.count < MediaSniffer.prefixLength {
            let bytes = try source.read(maxLength: MediaSniffer.prefixLength - prefix.count)
            if bytes.isEmpty { break }
            prefix += bytes
        }
        guard let type = MediaSniffer.sniff(prefix) else { throw ScrubError.unsupportedType }
        return try scrubber(for: type).scrub(from: PrefixedByteSource(prefix: prefix, rest: source), to: sink)
    }
}
