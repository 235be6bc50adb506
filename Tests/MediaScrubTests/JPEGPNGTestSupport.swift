import Foundation
import MediaScrub

/// Helpers for the generated-file and mutation tests of the JPEG and PNG scrubbers.
enum GeneratedImage {
    static let ffmpeg = Tool.find("ffmpeg")
    static let compare = Tool.find("compare")

    /// A fresh directory for the files one test makes, removed when released.
    final class WorkDirectory {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("mediascrub-gen-" + UUID().uuidString)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        func read(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url.appendingPathComponent(name))) }

        func write(_ bytes: [UInt8], to name: String) throws { try Data(bytes).write(to: url.appendingPathComponent(name)) }
    }

    /// Runs a tool; throws with its standard error when it exits non-zero.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes concurrently enough for small outputs: stdout first, then stderr.
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GeneratedToolFailure(command: ([executable] + arguments).joined(separator: " "),
                                       status: process.terminationStatus,
                                       stderr: String(decoding: errorData, as: UTF8.self))
        }
        return data
    }

    /// Whether `needle` occurs anywhere in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        Data(haystack).range(of: Data(needle.utf8)) != nil
    }

    /// exiftool's full text view (`-a -u -ee -G1`, values as text, binary extracted with -b where short)
    /// of a file, used to see markers that sit inside compressed chunks.
    static func exiftoolText(_ path: String) throws -> String {
        String(decoding: try run(Tool.exiftool!, ["-a", "-u", "-ee", "-G1", "-j", path]), as: UTF8.self)
    }

    /// The markers of `markers` that are present in the file (as bytes, or as exiftool decodes it).
    static func presentMarkers(_ markers: [String], bytes: [UInt8], path: String) throws -> [String] {
        let text = try exiftoolText(path)
        return markers.filter { contains(bytes, $0) || text.contains($0) }
    }

    /// ImageMagick's `compare -metric AE` pixel difference count between two files.
    static func differingPixels(_ first: String, _ second: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compare!)
        process.arguments = ["-metric", "AE", first, second, "null:"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // compare exits 0 when identical, 1 when different, 2 on error.
        guard process.terminationStatus != 2, let count = Double(String(text.prefix { "0123456789.e+".contains($0) })) else {
            throw GeneratedToolFailure(command: "compare \(first) \(second)", status: process.terminationStatus, stderr: text)
        }
        return Int(count)
    }

    /// A unique marker prefix for one test run, so leftovers of other runs cannot match.
    static func markerPrefix(_ tag: String) -> String {
        "MSCRB\(tag)" + String(UUID().uuidString.prefix(8))
    }

    static func bigEndian32(_ value: Int) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }

    static func bigEndian16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// A JPEG segment: 0xFF, marker, length, payload.
    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker] + bigEndian16(payload.count + 2) + payload
    }

    /// An ICC v2 profile whose device-manufacturer and device-model descriptions ('dmnd', 'dmdd'),
    /// description ('desc') and copyright ('cprt') texts hold the given strings; the header's creator,
    /// manufacturer and model fields are set, and a large private tag makes it span several APP2 segments.
    static func iccProfile(dmnd: String, dmdd: String, desc: String, cprt: String, padding: Int) -> [UInt8] {
        func textDescription(_ text: String) -> [UInt8] {
            // 'desc' type: ASCII count + text + NUL, empty Unicode and ScriptCode parts.
            let ascii = Array(text.utf8) + [0]
            return Array("desc".utf8) + [0, 0, 0, 0] + bigEndian32(ascii.count) + ascii + [0, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0]
                + [UInt8](repeating: 0, count: 67)
        }
        func textType(_ text: String) -> [UInt8] { Array("text".utf8) + [0, 0, 0, 0] + Array(text.utf8) + [0] }
        func xyz(_ x: Int, _ y: Int, _ z: Int) -> [UInt8] {
            Array("XYZ ".utf8) + [0, 0, 0, 0] + bigEndian32(x) + bigEndian32(y) + bigEndian32(z)
        }
        // The padding tag comes first so that the identifying tags lie in the last APP2 segment.
        let tags: [(String, [UInt8])] = [
            ("zpad", Array("zpad".utf8) + [0, 0, 0, 0] + [UInt8](repeating: 0x5A, count: padding)),
            ("desc", textDescription(desc)),
            ("cprt", textType(cprt)),
            ("wtpt", xyz(0xF351, 0x10000, 0x116CC)),
            ("dmnd", textDescription(dmnd)),
            ("dmdd", textDescription(dmdd)),
        ]
        var table: [UInt8] = bigEndian32(tags.count)
        var data: [UInt8] = []
        let dataStart = 128 + 4 + 12 * tags.count
        for (signature, body) in tags {
            let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
            table += Array(signature.utf8) + bigEndian32(dataStart + data.count) + bigEndian32(body.count)
            data += padded
        }
        let size = dataStart + data.count
        var header = [UInt8](repeating: 0, count: 128)
        header.replaceSubrange(0..<4, with: bigEndian32(size))
        header.replaceSubrange(4..<8, with: Array("MSCR".utf8))  // preferred CMM
        header.replaceSubrange(8..<12, with: [0x02, 0x10, 0, 0])
        header.replaceSubrange(12..<16, with: Array("mntr".utf8))
        header.replaceSubrange(16..<20, with: Array("RGB ".utf8))
        header.replaceSubrange(20..<24, with: Array("XYZ ".utf8))
        header.replaceSubrange(24..<36, with: [0x07, 0xE4, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7])  // 2020-03-04 05:06:07
        header.replaceSubrange(36..<40, with: Array("acsp".utf8))
        header.replaceSubrange(48..<52, with: Array("MSMF".utf8))  // device manufacturer
        header.replaceSubrange(52..<56, with: Array("MSMD".utf8))  // device model
        header.replaceSubrange(68..<80, with: [0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D])  // D50
        header.replaceSubrange(80..<84, with: Array("MSCB".utf8))  // profile creator
        return header + table + data
    }
}

struct GeneratedToolFailure: Error, CustomStringConvertible {
    let command: String
    let status: Int32
    let stderr: String
    var description: String { "\(command) exited \(status): \(stderr)" }
}
