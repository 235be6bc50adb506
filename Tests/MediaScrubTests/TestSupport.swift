import Foundation
import MediaScrub

/// The shared sample corpus, found beside the repository: `<repo>/../shared/corpus`.
enum Corpus {
    static let root: URL? = {
        let repoRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()  // MediaScrubTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
        let corpus = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: corpus.appendingPathComponent("SOURCES.md").path) ? corpus : nil
    }()

    static var isAvailable: Bool { root != nil }

    static func url(_ relativePath: String) -> URL {
        root!.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// Relative paths of the corpus files in `directory` with extension `ext`, sorted.
    static func files(in directory: String, ext: String) -> [String] {
        guard let root else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path)) ?? []
        return names.filter { $0.lowercased().hasSuffix("." + ext) }.sorted().map { directory + "/" + $0 }
    }

    static let jpegFiles: [String] =
        files(in: "exiftool/t/images", ext: "jpg") + files(in: "metadata-extractor-images/jpg", ext: "jpg")
        + files(in: "mat2/tests/data", ext: "jpg")
    static let pngFiles: [String] =
        files(in: "exiftool/t/images", ext: "png") + files(in: "metadata-extractor-images/png", ext: "png")
        + files(in: "metadata-extractor-images/png/PngSuite", ext: "png") + files(in: "mat2/tests/data", ext: "png")
}

/// Scrubs `bytes` in memory through the sniffing entry point.
func scrub(_ bytes: [UInt8]) throws -> (output: [UInt8], report: RemovalReport) {
    let sink = MemoryByteSink()
    let report = try MediaScrubber.scrub(from: MemoryByteSource(bytes), to: sink)
    return (sink.bytes, report)
}

/// Scrubs `bytes` with the scrubber for `type`, reading through `source`.
func scrub(_ bytes: [UInt8], as type: MediaType, chunkSizes: ChunkedByteSource.Sizes = .whole) throws -> (output: [UInt8], report: RemovalReport) {
    let sink = MemoryByteSink()
    let report = try MediaScrubber.scrubber(for: type).scrub(from: ChunkedByteSource(bytes, sizes: chunkSizes), to: sink)
    return (sink.bytes, report)
}

/// A source that hands out its bytes in awkward pieces, to exercise block boundaries.
final class ChunkedByteSource: ByteSource {
    enum Sizes {
        case whole
        case fixed(Int)
        case random(seed: UInt64)
    }

    private let bytes: [UInt8]
    private let sizes: Sizes
    private var position = 0
    private var random: SplitMix64

    init(_ bytes: [UInt8], sizes: Sizes) {
        self.bytes = bytes
        self.sizes = sizes
        if case .random(let seed) = sizes { random = SplitMix64(seed: seed) } else { random = SplitMix64(seed: 0) }
    }

    func read(maxLength: Int) throws -> [UInt8] {
        let wanted: Int
        switch sizes {
        case .whole: wanted = maxLength
        case .fixed(let size): wanted = min(size, maxLength)
        case .random: wanted = min(1 + Int(random.next() % 9000), maxLength)
        }
        let end = min(bytes.count, position + wanted)
        defer { position = end }
        return Array(bytes[position..<end])
    }
}

/// A small deterministic PRNG, so hostile-input tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// External command-line oracles (exiftool, ImageMagick), when installed.
enum Tool {
    static let exiftool = find("exiftool")
    static let convert = find("convert")

    static func find(_ name: String) -> String? {
        for directory in ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `executable` and returns its standard output; fails on a non-zero exit.
    static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let (data, status) = try runAnyStatus(executable, arguments)
        guard status == 0 else { throw ToolFailure(command: executable, status: status) }
        return data
    }

    /// Runs `executable` and returns its standard output and exit status, whatever that is.
    static func runAnyStatus(_ executable: String, _ arguments: [String]) throws -> (output: Data, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (data, process.terminationStatus)
    }

    /// exiftool's `-j -a -G0:1 -ee -u -n` view of `bytes`: "Family0:Family1:Tag" → value.
    static func exiftoolTags(_ bytes: [UInt8], ext: String) throws -> [String: Any] {
        let file = try TemporaryFile(bytes, ext: ext)
        let json = try run(exiftool!, ["-j", "-a", "-G0:1", "-ee", "-u", "-n", file.url.path])
        let list = try JSONSerialization.jsonObject(with: json) as? [[String: Any]]
        return list?.first ?? [:]
    }

    /// ImageMagick's decoded 8-bit RGB pixels of `bytes`.
    static func decodedPixels(_ bytes: [UInt8], ext: String) throws -> Data {
        let file = try TemporaryFile(bytes, ext: ext)
        return try run(convert!, [file.url.path, "-depth", "8", "rgb:-"])
    }
}

struct ToolFailure: Error {
    let command: String
    let status: Int32
}

/// A file in a fresh temporary directory, removed when released.
final class TemporaryFile {
    let url: URL
    private let directory: URL

    init(_ bytes: [UInt8], ext: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mediascrub-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("sample." + ext)
        try Data(bytes).write(to: url)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Tags that identify a person, device, place or time, whose presence after scrubbing is a leak.
enum Leak {
    static let exactTagNames: Set<String> = [
        "Make", "Model", "Artist", "Copyright", "Software", "DateTimeOriginal", "CreateDate", "ModifyDate",
        "ThumbnailImage", "PreviewImage", "Comment", "ImageDescription", "UserComment", "DocumentName",
        "HostComputer", "LensModel", "LensMake", "CameraOwnerName", "Author", "Title", "Description",
    ]
    static let groups: Set<String> = ["XMP", "IPTC", "MakerNotes", "Photoshop", "FlashPix", "MPF", "JFIF-Thumbnail"]

    /// ICC profile fields that name a device, its maker or a date; the rest of a profile describes colour.
    static let iccIdentifyingTagNames: Set<String> = [
        "ProfileDateTime", "DeviceManufacturer", "DeviceModel", "ProfileCreator", "ProfileID", "DeviceMfgDesc",
        "DeviceModelDesc",
    ]

    /// The leaking keys among exiftool's `-G0:1` keys; ICC profiles are inspected only when `iccIsLeak`,
    /// and then only their identifying fields with a value other than blank or zero count.
    static func find(in tags: [String: Any], iccIsLeak: Bool) -> [String] {
        tags.keys.filter { key in
            let parts = key.split(separator: ":").map(String.init)
            guard parts.count >= 2, let name = parts.last else { return false }
            let group0 = parts[0]
            if group0 == "ICC_Profile" {
                let value = "\(tags[key] ?? "")".filter { !"0: \u{0}".contains($0) }
                return iccIsLeak && iccIdentifyingTagNames.contains(name) && !value.isEmpty
            }
            if groups.contains(group0) { return true }
            return exactTagNames.contains(name) || name.hasPrefix("GPS") || name.contains("Serial")
                || name.hasPrefix("Owner")
        }.sorted()
    }
}

/// An independent walk over a JPEG's segments, for oracles: no code shared with the scrubber.
struct JPEGLayout {
    /// Marker code and whole segment bytes (marker and length included) before the first SOS.
    var headerSegments: [(marker: UInt8, bytes: [UInt8])] = []
    /// Offset of the first SOS marker.
    var firstScanOffset: Int

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var index = 2
        while index + 4 <= bytes.count {
            guard bytes[index] == 0xFF else { return nil }
            var markerIndex = index + 1
            while markerIndex < bytes.count && bytes[markerIndex] == 0xFF { markerIndex += 1 }
            guard markerIndex + 2 < bytes.count else { return nil }
            let marker = bytes[markerIndex]
            if marker == 0xDA {
                firstScanOffset = markerIndex - 1
                return
            }
            let length = Int(bytes[markerIndex + 1]) << 8 | Int(bytes[markerIndex + 2])
            let end = markerIndex + 1 + length
            guard length >= 2, end <= bytes.count else { return nil }
            headerSegments.append((marker, Array(bytes[(markerIndex - 1)..<end])))
            index = end
        }
        return nil
    }

    /// The DQT, DHT, DAC, SOFn and DRI segments, in order.
    var imageTables: [[UInt8]] {
        headerSegments.filter { [0xDB, 0xC4, 0xCC, 0xDD].contains($0.marker) || (0xC0...0xCF).contains($0.marker) }.map(\.bytes)
    }
}

/// An independent walk over a PNG's chunks, with a bitwise CRC-32 (not the scrubber's table).
struct PNGChunk {
    let type: String
    let data: [UInt8]
    let storedCRC: UInt32

    var crcIsValid: Bool { PNGChunk.bitwiseCRC(Array(type.utf8) + data) == storedCRC }

    static func parse(_ bytes: [UInt8]) -> [PNGChunk]? {
        guard bytes.count >= 8 else { return nil }
        var chunks: [PNGChunk] = []
        var index = 8
        while index + 12 <= bytes.count {
            let length = bytes[index..<(index + 4)].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
            guard index + 12 + length <= bytes.count else { return nil }
            let data = Array(bytes[(index + 8)..<(index + 8 + length)])
            let crc = bytes[(index + 8 + length)..<(index + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            chunks.append(PNGChunk(type: type, data: data, storedCRC: crc))
            index += 12 + length
            if type == "IEND" { return chunks }
        }
        return nil
    }

    static func bitwiseCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1)))
            }
        }
        return ~crc
    }

    /// The chunk as it appears in a file.
    var fileBytes: [UInt8] {
        let length = UInt32(data.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) } + Array(type.utf8) + data
            + [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: storedCRC >> $0) }
    }

    /// A chunk of `type` holding `data`, with its correct CRC.
    init(type: String, data: [UInt8]) {
        self.init(type: type, data: data, storedCRC: PNGChunk.bitwiseCRC(Array(type.utf8) + data))
    }

    init(type: String, data: [UInt8], storedCRC: UInt32) {
        self.type = type
        self.data = data
        self.storedCRC = storedCRC
    }
}

/// The PNG file signature, spelled out here rather than taken from the library.
let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
