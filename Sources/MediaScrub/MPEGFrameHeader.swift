/// An MPEG-1/2/2.5 audio frame header (layers I–III), as far as the frame length needs it.
struct MPEGFrameHeader {
    /// 3 for MPEG-1, 2 for MPEG-2, 0 for MPEG-2.5.
    let version: UInt8
    /// 1, 2 or 3.
    let layer: Int
    let sampleRate: Int
    let isMono: Bool
    /// True when a CRC-16 follows the header (protection bit clear).
    let hasCRC: Bool
    let frameLength: Int

    var isMPEG1: Bool { version == 3 }

    /// Index of a Layer III frame's side information: after the header and any CRC.
    var sideInfoStart: Int { 4 + (hasCRC ? 2 : 0) }

    /// Index of a Layer III frame's main data area, where a Xing/Info tag also starts: after the side information.
    var mainDataStart: Int { sideInfoStart + (isMPEG1 ? (isMono ? 17 : 32) : (isMono ? 9 : 17)) }

    private static let bitrates: [[Int]] = [
        [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],  // MPEG-1 layer I
        [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],  // MPEG-1 layer II
        [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],  // MPEG-1 layer III
        [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],  // MPEG-2/2.5 layer I
        [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],  // MPEG-2/2.5 layers II and III
    ]

    /// The header at `index` of `buffer` when it is a valid one (free-format bitrate is not accepted).
    init?(_ buffer: LookaheadBuffer, at index: Int, limit: Int) {
        guard index + 4 <= limit, buffer[index] == 0xFF else { return nil }
        let b1 = buffer[index + 1], b2 = buffer[index + 2], b3 = buffer[index + 3]
        let version = (b1 >> 3) & 3
        let layerBits = (b1 >> 1) & 3
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 3)
        guard b1 & 0xE0 == 0xE0, version != 1, layerBits != 0, (1...14).contains(bitrateIndex), rateIndex != 3, b3 & 3 != 2 else {
            return nil
        }
        let layer = 4 - Int(layerBits)
        let table = version == 3 ? layer - 1 : (layer == 1 ? 3 : 4)
        let bitrate = Self.bitrates[table][bitrateIndex - 1] * 1000
        let sampleRate = [44100, 48000, 32000][rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2)
        let padding = Int((b2 >> 1) & 1)
        switch layer {
        case 1: frameLength = (12 * bitrate / sampleRate + padding) * 4
        case 2: frameLength = 144 * bitrate / sampleRate + padding
        default: frameLength = (version == 3 ? 144 : 72) * bitrate / sampleRate + padding
        }
        self.version = version
        self.layer = layer
        self.sampleRate = sampleRate
        self.isMono = b3 >> 6 == 3
        self.hasCRC = b1 & 1 == 0
    }

    /// True when `other` has the same version, layer and sample rate, as frames of one stream do.
    func sameStream(as other: MPEGFrameHeader) -> Bool {
        version == other.version && layer == other.layer && sampleRate == other.sampleRate
    }
}
