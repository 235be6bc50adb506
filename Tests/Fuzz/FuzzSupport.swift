import MediaScrub

/// Scrubs libFuzzer's input with `scrub`, throwing the output away. A `ScrubError` is a fine outcome for
/// hostile input; any other error breaks the promise that errors are typed, so it is made a crash.
func fuzzScrub(_ data: UnsafePointer<UInt8>?, _ size: Int, _ scrub: ([UInt8]) throws -> RemovalReport) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    _ = reportUnlessRefused { try scrub(input) }
    return 0
}

/// The report, or nil when the file was refused with a `ScrubError` (as most mutated inputs are); any other
/// error is made a crash.
func reportUnlessRefused(_ scrub: () throws -> RemovalReport) -> RemovalReport? {
    do {
        return try scrub()
    } catch is ScrubError {
        return nil
    } catch {
        fatalError("the scrubber threw \(error), which is not a ScrubError")
    }
}

/// The sniffed type of `input` when it is one of `family`, else `fallback`. The server sniffs before it
/// scrubs, so this follows the real path; the fallback keeps feeding the family's scrubber when a mutation
/// breaks the magic bytes, since the scrubbers are public and must survive any input.
func mediaType(of input: [UInt8], in family: Set<MediaType>, else fallback: MediaType) -> MediaType {
    MediaSniffer.sniff(input.prefix(MediaSniffer.prefixLength)).flatMap { family.contains($0) ? $0 : nil } ?? fallback
}

/// Discards everything written.
final class DiscardingSink: ByteSink {
    func write(_ bytes: ArraySlice<UInt8>) throws {}
}

/// Hands out its bytes in pieces of a few awkward sizes in turn (1 byte to a few KiB), as a network or
/// decrypting source may, so that block boundaries fall inside small inputs too. It rewinds, as the
/// server's sources do, for the formats that need two passes.
final class ChoppyByteSource: RewindableByteSource {
    static let pieceSizes = [4093, 1, 17, 512, 3]

    private let bytes: [UInt8]
    private var position = 0
    private var reads = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(maxLength: Int) throws -> [UInt8] {
        let wanted = min(Self.pieceSizes[reads % Self.pieceSizes.count], maxLength)
        reads += 1
        let end = min(bytes.count, position + wanted)
        defer { position = end }
        return Array(bytes[position..<end])
    }

    func rewind() {
        position = 0
        reads = 0
    }

    /// Passes over `count` bytes (at most what is left).
    func skip(_ count: Int) {
        position = min(bytes.count, position + count)
    }
}
