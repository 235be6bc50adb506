import Foundation
import Testing
@testable import MediaScrub

/// The LAME encoder, and mpg123 as a second decoder, when installed.
enum LAME {
    static let path = Tool.find("lame")
    static let mpg123 = Tool.find("mpg123")

    /// `source` (ffmpeg lavfi input) encoded by lame with `options`.
    static func encode(_ source: String, channels: Int, _ options: [String]) throws -> [UInt8] {
        let wav = try FFmpeg.make(ext: "wav", ["-f", "lavfi", "-i", source, "-ac", "\(channels)"])
        let input = try TemporaryFile(wav, ext: "wav")
        let output = input.url.deletingLastPathComponent().appendingPathComponent("out.mp3")
        _ = try Tool.run(path!, ["--quiet"] + options + [input.url.path, output.path])
        return [UInt8](try Data(contentsOf: output))
    }

    /// The PCM samples lame itself decodes (`lame --decode`, raw).
    static func decoded(_ bytes: [UInt8]) throws -> Data {
        let file = try TemporaryFile(bytes, ext: "mp3")
        let output = file.url.deletingLastPathComponent().appendingPathComponent("out.pcm")
        _ = try Tool.run(path!, ["--quiet", "--decode", "-t", file.url.path, output.path])
        return try Data(contentsOf: output)
    }

    /// The PCM samples mpg123 decodes.
    static func mpg123Decoded(_ bytes: [UInt8]) throws -> Data {
        let file = try TemporaryFile(bytes, ext: "mp3")
        return try Tool.run(mpg123!, ["-q", "-s", file.url.path])
    }

    /// The installed lame's version, e.g. "3.100", from `lame --version`.
    static let version: String? = {
        guard let path, let output = try? Tool.run(path, ["--version"]) else { return nil }
        let words = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        return words.firstIndex(of: "version").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil }
    }()

    /// True when "LAME" followed by a digit, or the installed lame's version, starts at any bit of `bytes`, not only at
    /// byte boundaries: LAME writes its ancillary string wherever the main data ends, and it may run on past the next
    /// frame's header, so the version is also searched alone.
    static func containsVersionAtAnyBit(_ bytes: [UInt8]) -> Bool {
        let lame = Array("LAME".utf8), digits = Array((version ?? "3.100").utf8)
        return (0..<8).contains { shift in
            let shifted = shift == 0 ? bytes : (0..<max(0, bytes.count - 1)).map { bytes[$0] << shift | bytes[$0 + 1] >> (8 - shift) }
            return (0..<max(0, shifted.count - 5)).contains { index in
                (shifted[index] == lame[0] && shifted[index..<(index + 4)].elementsEqual(lame) && (0x30...0x39).contains(shifted[index + 4]))
                    || (shifted[index] == digits[0] && shifted[index...].starts(with: digits))
            }
        }
    }
}

@Suite("LAME's version in the padding of MP3 frames", .enabled(if: LAME.path != nil && FFmpeg.path != nil, "lame or ffmpeg not installed"))
struct MP3AncillaryDataTests {
    static let encodings: [(name: String, options: [String], channels: Int)] = [
        ("CBR 128 stereo", ["-b", "128"], 2),
        ("CBR 320 stereo", ["-b", "320"], 2),
        ("VBR -V2 stereo", ["-V2"], 2),
        ("VBR -V9 mono", ["-V9"], 1),
        ("ABR 96 stereo", ["--abr", "96"], 2),
        ("CBR 32 mono", ["-b", "32"], 1),
        ("MPEG-2 (16 kHz) joint stereo", ["--resample", "16", "-b", "32"], 2),
        ("MPEG-2.5 (8 kHz) at 8 kbit/s", ["-b", "8"], 2),
        ("no bit reservoir", ["--nores", "-b", "128"], 2),
        ("no Xing/Info frame (-t)", ["-t", "-b", "128"], 2),
        ("CRC-protected frames", ["-p", "-b", "112"], 2),
        ("CRC-protected MPEG-2 mono", ["-p", "--resample", "22.05", "-b", "24"], 1),
    ]

    @Test("no encoder version is left at any bit; decoded samples (ffmpeg, lame, mpg123) unchanged", arguments: 0..<12)
    func lameEncodings(index: Int) throws {
        let (name, options, channels) = Self.encodings[index]
        let source = channels == 1 ? "anoisesrc=d=3:c=pink:seed=7" : "sine=frequency=440:duration=3"
        let original = try LAME.encode(source, channels: channels, options)
        #expect(LAME.containsVersionAtAnyBit(original), "\(name): lame wrote no version to remove")
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == .mp3)
        #expect(!LAME.containsVersionAtAnyBit(cleaned), "\(name)")
        #expect(!cleaned.contains(bytes: Array("LAME3".utf8)) && !cleaned.contains(bytes: Array("3.10".utf8)))
        #expect(report.removed.contains { $0.what == LayerIIIAncillaryEraser.label }, "\(name): \(report.removed)")
        #expect(cleaned.count <= original.count)
        #expect(try FFmpeg.pcmHash(cleaned, ext: "mp3") == FFmpeg.pcmHash(original, ext: "mp3"), "\(name)")
        #expect(try LAME.decoded(cleaned) == LAME.decoded(original), "\(name)")
        if LAME.mpg123 != nil { #expect(try LAME.mpg123Decoded(cleaned) == LAME.mpg123Decoded(original), "\(name)") }
        if Tool.exiftool != nil { #expect(try AudioLeak.find(cleaned, ext: "mp3") == [], "\(name)") }
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.isEmpty, "\(name)")
    }

    @Test("frames handed over in small pieces clean the same as whole")
    func chunked() throws {
        let original = try LAME.encode("sine=frequency=440:duration=2", channels: 2, ["-V2"])
        let whole = try scrub(original, as: .mp3).output
        #expect(try scrub(original, as: .mp3, chunkSizes: .random(seed: 3)).output == whole)
        #expect(try scrub(original, as: .mp3, chunkSizes: .fixed(7)).output == whole)
    }
}

@Suite("Layer III ancillary bits, on hand-made frames")
struct LayerIIIAncillaryEraserTests {
    /// An MPEG-1 Layer III mono frame at 32 kbit/s and 48 kHz (96 bytes) whose side information says: main data
    /// begins `mainDataBegin` bytes back and holds `bits` bits (all in granule 0); the area after the side information
    /// (75 bytes, or 73 after a CRC) is filled with 0xFF.
    static func frame(mainDataBegin: Int, bits: Int, crc: Bool = false) -> [UInt8] {
        var side = [UInt8](repeating: 0, count: 17)
        func put(_ value: Int, width: Int, at position: Int) {
            for bit in 0..<width where value >> (width - 1 - bit) & 1 == 1 { side[(position + bit) / 8] |= 0x80 >> UInt8((position + bit) % 8) }
        }
        put(mainDataBegin, width: 9, at: 0)
        put(bits, width: 12, at: 18)  // part2_3_length of granule 0, after main_data_begin (9), private bits (5), scfsi (4)
        return crc ? [0xFF, 0xFA, 0x14, 0xC0, 0x12, 0x34] + side + [UInt8](repeating: 0xFF, count: 73)
            : [0xFF, 0xFB, 0x14, 0xC0] + side + [UInt8](repeating: 0xFF, count: 75)
    }

    @Test("bits outside every granule's main data are cleared, across the bit reservoir, bit for bit")
    func reservoir() throws {
        // Frame 1: 100 bits from its area start. Frame 2 reaches 20 bytes back, into frame 1, for 300 bits.
        // Frame 3 claims nothing. Expected coverage in area bits: [0, 100) and [55*8, 55*8 + 300) of 3 × 75 bytes.
        let frames = [Self.frame(mainDataBegin: 0, bits: 100), Self.frame(mainDataBegin: 20, bits: 300), Self.frame(mainDataBegin: 0, bits: 0)]
        let (cleaned, report) = try scrub(frames.flatMap { $0 }, as: .mp3)
        #expect(cleaned.count == 3 * 96)
        var expected: [UInt8] = []
        for (index, frame) in frames.enumerated() {
            let area = (0..<75).map { byte -> UInt8 in
                (0..<8).reduce(0) { mask, bit in
                    let position = (index * 75 + byte) * 8 + bit
                    return position < 100 || (440..<740).contains(position) ? mask | 0x80 >> UInt8(bit) : mask
                }
            }
            expected += frame.prefix(21) + area
        }
        #expect(cleaned == expected)
        #expect(report.removed == [RemovedItem(what: LayerIIIAncillaryEraser.label, count: 3, bytes: 3 * 75 - 12 - 37)])
    }

    @Test("a main_data_begin before the stream, part2_3_length past the frame and CRC frames do not trap")
    func hostileSideInfo() throws {
        let frames = [
            Self.frame(mainDataBegin: 511, bits: 4095), Self.frame(mainDataBegin: 511, bits: 4095, crc: true),
            Self.frame(mainDataBegin: 0, bits: 4095, crc: true), Self.frame(mainDataBegin: 3, bits: 0),
        ]
        let (cleaned, _) = try scrub(frames.flatMap { $0 }, as: .mp3)
        #expect(cleaned.count == 4 * 96)
        // The second frame's main data starts 511 bytes before the stream, so it covers only bits 0..<607 of the areas:
        // 7 bits of the second frame's 73-byte area. The third frame's main data covers all of its own area.
        #expect(cleaned[96 + 23] == 0xFE && cleaned[(96 + 24)..<(2 * 96)].allSatisfy { $0 == 0 })
        #expect(cleaned[(2 * 96 + 23)..<(3 * 96)].allSatisfy { $0 == 0xFF })
    }

    @Test("the frames held back stay few: 255-byte reaches, and Layer II frames behind a Layer III one")
    func heldFramesAreBounded() throws {
        // Layer III: MPEG-2 stereo, 8 kbit/s at 24 kHz, 24 bytes, main data 255 bytes back. Layer II: MPEG-1 at
        // 384 kbit/s and 32 kHz, 1728 bytes, the largest frame there is; it has no main data area of its own.
        var side = [UInt8](repeating: 0, count: 17)
        side[0] = 0xFF
        let layerIII = [0xFF, 0xF3, 0x14, 0x00] + side + [0, 0, 0]
        let layerII = [0xFF, 0xFD, 0xE8, 0x00] + [UInt8](repeating: 0, count: 1724)
        func header(_ frame: [UInt8]) throws -> MPEGFrameHeader {
            let buffer = LookaheadBuffer(ByteReader(MemoryByteSource(frame)))
            try buffer.fill(4)
            return try #require(MPEGFrameHeader(buffer, at: 0, limit: 4))
        }
        let (headerIII, headerII) = (try header(layerIII), try header(layerII))
        #expect(headerIII.frameLength == 24 && headerII.frameLength == 1728)
        let eraser = LayerIIIAncillaryEraser()
        let sink = CountingByteSink()
        var report = RemovalReport(mediaType: .mp3)
        var most = 0
        for index in 0..<20_000 {
            let isLayerII = (index / 1000) % 2 == 1
            try eraser.add(isLayerII ? layerII : layerIII, header: isLayerII ? headerII : headerIII, keep: false, to: sink, report: &report)
            most = max(most, eraser.heldBytes)
        }
        try eraser.finish(to: sink, report: &report)
        #expect(eraser.heldBytes == 0 && sink.count == 10_000 * (24 + 1728))
        #expect(most <= (LayerIIIAncillaryEraser.maxHeldFrames + 1) * 1728, "\(most)")
    }

    @Test("a million frames that all reach back 255 bytes scrub in linear time")
    func millionFrames() throws {
        // MPEG-2 Layer III stereo, 8 kbit/s at 24 kHz: 24-byte frames with a 3-byte area; each one's main data begins
        // 255 bytes back, so about a hundred frames are held at any time.
        var side = [UInt8](repeating: 0, count: 17)
        side[0] = 0xFF
        side[1] = 0x3F  // part2_3_length of channel 0 (4095) takes bits 10 to 21, after main_data_begin and 2 private bits
        side[2] = 0xFC
        let frame = [0xFF, 0xF3, 0x14, 0x00] + side + [0x4C, 0x41, 0x4D]
        #expect(frame.count == 24)
        let count = 1_000_000
        let source = RepeatingByteSource(frame, count: count)
        let sink = CountingByteSink()
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            _ = try MediaScrubber.scrubber(for: .mp3).scrub(from: source, to: sink)
        }
        #expect(sink.count == frame.count * count)
        #expect(elapsed < .seconds(60), "\(elapsed)")
    }
}

/// `count` copies of `unit`, produced as read.
final class RepeatingByteSource: ByteSource {
    private let unit: [UInt8]
    private var remaining: Int
    private var offset = 0

    init(_ unit: [UInt8], count: Int) {
        self.unit = unit
        remaining = unit.count * count
    }

    func read(maxLength: Int) throws -> [UInt8] {
        let length = min(maxLength, remaining, 65536)
        var result: [UInt8] = []
        result.reserveCapacity(length)
        while result.count < length {
            let piece = min(unit.count - offset, length - result.count)
            result += unit[offset..<(offset + piece)]
            offset = (offset + piece) % unit.count
        }
        remaining -= length
        return result
    }
}

/// A sink that only counts what it is given.
final class CountingByteSink: ByteSink {
    private(set) var count = 0

    func write(_ bytes: ArraySlice<UInt8>) throws {
        count += bytes.count
    }
}
