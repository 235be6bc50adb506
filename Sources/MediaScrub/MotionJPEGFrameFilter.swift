/// Zeroes the payloads of the APP1–APP13, APP15 and COM segments of the JPEG images in one Motion JPEG frame, as the
/// frame streams past: cameras write Exif and maker notes there, encoders their name. Markers and lengths stay, so
/// nothing moves and decoders skip the zeroed segments as before; APP0 (`AVI1` field order, JFIF) and APP14 (Adobe
/// colour transform) are kept, the entropy-coded data and tables too, so the decoded pixels do not change. A frame may
/// hold two images (interlaced fields); a byte that fits no JPEG layout ends the filtering and the rest passes unchanged.
struct MotionJPEGFrameFilter {
    private enum State {
        /// Expecting a marker; `sawFF` when its 0xFF has been read.
        case marker(sawFF: Bool)
        /// Reading the length of the segment of marker `code`; `high` is its first byte once read.
        case length(code: UInt8, high: UInt8?)
        /// Inside the payload of a segment of marker `code`.
        case segment(code: UInt8, remaining: Int)
        /// Inside entropy-coded data after a scan header; `sawFF` when the last byte was 0xFF.
        case entropy(sawFF: Bool)
        /// Past anything recognisable: the rest is copied.
        case copying
    }

    private var state = State.marker(sawFF: false)
    /// Whether a zeroed byte was not already zero.
    private(set) var zeroedData = false

    /// The segments whose payload is zeroed.
    static func isZeroed(_ code: UInt8) -> Bool {
        (0xE1...0xED).contains(code) || code == 0xEF || code == 0xFE
    }

    /// The output for the next `piece` of the frame: the same bytes, with metadata payloads zeroed.
    mutating func filter(_ piece: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(piece.count)
        var index = piece.startIndex
        while index < piece.endIndex {
            switch state {
            case .copying:
                output += piece[index...]
                return output
            case .segment(let code, let remaining):
                let run = min(remaining, piece.endIndex - index)
                let bytes = piece[index..<(index + run)]
                if Self.isZeroed(code) {
                    if !zeroedData && bytes.contains(where: { $0 != 0 }) { zeroedData = true }
                    output += repeatElement(0, count: run)
                } else {
                    output += bytes
                }
                index += run
                if run == remaining { state = code == 0xDA ? .entropy(sawFF: false) : .marker(sawFF: false) }
                else { state = .segment(code: code, remaining: remaining - run) }
            default:
                let byte = piece[index]
                output.append(byte)
                index += 1
                advance(over: byte)
            }
        }
        return output
    }

    /// Moves past one byte read in the marker, length or entropy-coded states.
    private mutating func advance(over byte: UInt8) {
        switch state {
        case .marker(let sawFF):
            if byte == 0xFF {
                state = .marker(sawFF: true)
            } else if sawFF {
                begin(marker: byte)
            } else {
                state = .copying
            }
        case .length(let code, nil):
            state = .length(code: code, high: byte)
        case .length(let code, let high?):
            let length = Int(high) << 8 | Int(byte)
            if length < 2 {
                state = .copying
            } else if length == 2 {
                state = code == 0xDA ? .entropy(sawFF: false) : .marker(sawFF: false)
            } else {
                state = .segment(code: code, remaining: length - 2)
            }
        case .entropy(let sawFF):
            if !sawFF || byte == 0x00 || (0xD0...0xD7).contains(byte) {
                state = .entropy(sawFF: byte == 0xFF)
            } else if byte != 0xFF {
                begin(marker: byte)
            }
        case .segment, .copying:
            break
        }
    }

    /// The state after marker `code`: standalone markers (SOI, EOI, TEM) expect the next marker, the others a length.
    private mutating func begin(marker code: UInt8) {
        switch code {
        case 0xD8, 0xD9, 0x01: state = .marker(sawFF: false)
        case 0x00, 0xD0...0xD7: state = .copying
        default: state = .length(code: code, high: nil)
        }
    }
}
