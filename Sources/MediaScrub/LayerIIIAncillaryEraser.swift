/// Zeroes the ancillary bits of MPEG audio Layer III frames: the bits of the frames' main data areas that no granule's
/// main data covers. Decoders skip them; LAME fills them with its name and version ("LAME3.100UUUU…") in most frames,
/// at any bit alignment.
///
/// A frame's main data may begin up to 511 bytes before its own area (the bit reservoir: `main_data_begin` counts
/// back over the areas of earlier frames), so a frame is written only once the areas after it are long enough that
/// no later frame can reach into it. Coverage is kept per bit, as a mask byte per held area byte; bits no frame
/// claims are cleared when their frame is written. Layer I and II frames, frames too short for their side info and the
/// Xing/Info/VBRI frame pass unchanged (in order).
final class LayerIIIAncillaryEraser {
    /// The farthest `main_data_begin` reaches back (9 bits in MPEG-1, 8 in MPEG-2 and 2.5).
    static let reservoirReach = 511
    /// Frames held at most: area-less frames (other layers) would otherwise pile up behind a Layer III frame.
    static let maxHeldFrames = 600
    static let label = "encoder version in frame padding (ancillary data)"

    private struct HeldFrame {
        var bytes: [UInt8]
        /// Index in `bytes` of the first main data area byte (after header, CRC and side info).
        let areaOffset: Int
        /// Stream position (in concatenated main data areas) of that byte.
        let areaStart: Int
        /// False for frames that pass unchanged.
        let erasable: Bool

        var areaEnd: Int { areaStart + bytes.count - areaOffset }
    }

    private var held: [HeldFrame] = []
    private var heldStart = 0
    /// Bytes of the frames held now.
    private(set) var heldBytes = 0
    /// Stream position one past the last area byte seen.
    private var areaEnd = 0
    /// Covered-bit masks (most significant bit first) of the held area bytes, from stream position `coverageBase`.
    private var coverage: [UInt8] = []
    private var coverageStart = 0
    private var coverageBase = 0

    /// Takes one whole frame, `header` its parsed header, and writes the frames that can no longer change to `sink`.
    /// `keep` passes the frame unchanged (the Xing/Info frame) while still counting its area.
    func add(_ frame: [UInt8], header: MPEGFrameHeader, keep: Bool, to sink: any ByteSink, report: inout RemovalReport) throws {
        heldBytes += frame.count
        let areaOffset = header.mainDataStart
        guard header.layer == 3, frame.count >= areaOffset else {
            held.append(HeldFrame(bytes: frame, areaOffset: frame.count, areaStart: areaEnd, erasable: false))
            try release(to: sink, report: &report)
            return
        }
        let areaStart = areaEnd
        areaEnd += frame.count - areaOffset
        coverage += repeatElement(0, count: frame.count - areaOffset)
        held.append(HeldFrame(bytes: frame, areaOffset: areaOffset, areaStart: areaStart, erasable: !keep))
        var bits = BitReader(frame, from: header.sideInfoStart)
        let mainDataBegin = bits.read(header.isMPEG1 ? 9 : 8)
        bits.skip(header.isMPEG1 ? (header.isMono ? 9 : 11) : (header.isMono ? 1 : 2))
        var mainDataBits = 0
        for _ in 0..<((header.isMPEG1 ? 2 : 1) * (header.isMono ? 1 : 2)) {
            mainDataBits += bits.read(12)
            bits.skip(header.isMPEG1 ? 47 : 51)
        }
        let first = (areaStart - mainDataBegin) * 8
        let lower = max(first, coverageBase * 8), upper = min(first + mainDataBits, areaEnd * 8)
        if lower < upper { cover(lower..<upper) }
        try release(to: sink, report: &report)
    }

    /// Writes every held frame; no frame follows.
    func finish(to sink: any ByteSink, report: inout RemovalReport) throws {
        while heldStart < held.count { try writeFirst(erasingBefore: Int.max, to: sink, report: &report) }
    }

    private func release(to sink: any ByteSink, report: inout RemovalReport) throws {
        let safe = areaEnd - Self.reservoirReach
        while heldStart < held.count && (held[heldStart].areaEnd <= safe || held.count - heldStart > Self.maxHeldFrames) {
            try writeFirst(erasingBefore: safe, to: sink, report: &report)
        }
    }

    /// Writes the first held frame with its uncovered area bits before stream position `limit` cleared.
    private func writeFirst(erasingBefore limit: Int, to sink: any ByteSink, report: inout RemovalReport) throws {
        var frame = held[heldStart]
        let areaLength = frame.bytes.count - frame.areaOffset
        if frame.erasable {
            var changed = 0
            for index in 0..<max(0, min(areaLength, limit - frame.areaStart)) {
                let byte = frame.bytes[frame.areaOffset + index]
                let kept = byte & coverage[coverageStart + frame.areaStart - coverageBase + index]
                if kept != byte {
                    frame.bytes[frame.areaOffset + index] = kept
                    changed += 1
                }
            }
            if changed > 0 { report.noteRemoved(Self.label, bytes: changed) }
        }
        try sink.write(frame.bytes)
        held[heldStart].bytes = []
        heldBytes -= frame.bytes.count
        heldStart += 1
        coverageStart += areaLength
        coverageBase += areaLength
        if heldStart >= 64 && heldStart * 2 >= held.count {
            held.removeFirst(heldStart)
            heldStart = 0
        }
        if coverageStart >= 4096 && coverageStart * 2 >= coverage.count {
            coverage.removeFirst(coverageStart)
            coverageStart = 0
        }
    }

    /// Marks stream bits `range` as main data.
    private func cover(_ range: Range<Int>) {
        func mark(_ bits: Range<Int>) {
            let offset = bits.lowerBound & 7
            coverage[coverageStart + (bits.lowerBound >> 3) - coverageBase] |= UInt8(truncatingIfNeeded: (0xFF >> offset) & ~(0xFF >> (offset + bits.count)))
        }
        let head = min(range.upperBound, (range.lowerBound + 7) & ~7)
        if range.lowerBound < head { mark(range.lowerBound..<head) }
        let tail = max(head, range.upperBound & ~7)
        let start = coverageStart - coverageBase
        coverage.withUnsafeMutableBufferPointer { $0[(start + (head >> 3))..<(start + (tail >> 3))].update(repeating: 0xFF) }
        if tail < range.upperBound { mark(tail..<range.upperBound) }
    }
}

/// Reads big-endian bit fields from a byte array; reads past the end give zero bits.
struct BitReader {
    private let bytes: [UInt8]
    private var position: Int

    init(_ bytes: [UInt8], from byteIndex: Int) {
        self.bytes = bytes
        position = byteIndex * 8
    }

    /// The next `count` bits (at most 25) as an unsigned number.
    mutating func read(_ count: Int) -> Int {
        let index = position >> 3
        var window = 0
        for byte in index..<(index + 4) { window = window << 8 | (byte < bytes.count ? Int(bytes[byte]) : 0) }
        let value = window >> (32 - (position & 7) - count) & ((1 << count) - 1)
        position += count
        return value
    }

    mutating func skip(_ count: Int) {
        position += count
    }
}
