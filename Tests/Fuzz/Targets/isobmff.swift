import MediaScrub

/// libFuzzer's entry point: the ISO BMFF scrubber (HEIC, AVIF, MP4, MOV, M4A, 3GP) on arbitrary bytes, along each
/// of the three ways the server reads a file:
/// - from memory (rewinding for a second pass when the index comes last);
/// - while it arrives, into a sink that zeroes afterwards what the index removes from media data already written;
/// - from a source that skips (the encrypted spool), whose first pass seeks past the media data.
/// Whenever two ways both succeed they must give the same bytes and report: a difference is a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let type = mediaType(of: input, in: [.heif, .avif, .mp4, .mov, .m4a, .threeGPP], else: .mp4)
    let scrubber = MediaScrubber.scrubber(for: type)
    let plain = MemoryByteSink()
    let expected = reportUnlessRefused { try scrubber.scrub(from: ChoppyByteSource(input), to: plain) }
    let zeroing = ZeroingMemorySink()
    let arriving = reportUnlessRefused { try scrubber.scrub(from: ArrivingMemorySource(input), to: zeroing) }
    let skipped = MemoryByteSink()
    let skipping = reportUnlessRefused { try scrubber.scrub(from: SkippingMemorySource(input), to: skipped) }
    if let expected {
        if let arriving, arriving != expected || zeroing.bytes != plain.bytes {
            fatalError("scrubbed while arriving, the output or report differs from two passes")
        }
        if let skipping, skipping != expected || skipped.bytes != plain.bytes {
            fatalError("scrubbed from a skipping source, the output or report differs from two passes")
        }
    }
    return 0
}

/// A file arriving: it can start over until the scrubber says it will not, as `ArrivingUpload` allows.
final class ArrivingMemorySource: ArrivingByteSource {
    private let inner: ChoppyByteSource
    private var forgone = false

    init(_ bytes: [UInt8]) { inner = ChoppyByteSource(bytes) }

    func read(maxLength: Int) throws -> [UInt8] { try inner.read(maxLength: maxLength) }

    func rewind() throws {
        if forgone { fatalError("the scrubber started over after it said it would not") }
        inner.rewind()
    }

    func forgoRewind() { forgone = true }
}

/// Keeps what is written and zeroes ranges of it when asked; zeroing bytes not yet written is a broken promise.
final class ZeroingMemorySink: ZeroingByteSink {
    private(set) var bytes: [UInt8] = []

    func write(_ piece: ArraySlice<UInt8>) throws { bytes += piece }

    func zero(_ ranges: ZeroRanges, counting counted: ZeroRanges) throws -> Int {
        var counting = counted
        let nonZero = counting.nonZeroCovered(bytes[...], at: 0)
        for range in ranges.ranges {
            if range.lowerBound < 0 || range.upperBound > bytes.count { fatalError("asked to zero \(range) of \(bytes.count) bytes") }
            for index in range { bytes[index] = 0 }
        }
        return nonZero
    }
}

/// A source that can pass over bytes, as the encrypted spool seeks to a chunk.
final class SkippingMemorySource: RewindableByteSource, SkippingByteSource {
    private let inner: ChoppyByteSource
    private let count: Int
    private var position = 0

    init(_ bytes: [UInt8]) {
        inner = ChoppyByteSource(bytes)
        count = bytes.count
    }

    func read(maxLength: Int) throws -> [UInt8] {
        let block = try inner.read(maxLength: maxLength)
        position += block.count
        return block
    }

    func skip(_ wanted: Int) throws -> Int {
        let passed = min(wanted, count - position)
        inner.skip(passed)
        position += passed
        return passed
    }

    func rewind() {
        inner.rewind()
        position = 0
    }
}
