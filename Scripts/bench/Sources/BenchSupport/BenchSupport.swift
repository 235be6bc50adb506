// Helpers shared by the benchmark executables: a monotonic clock, peak resident memory, a sink that only counts,
// command-line options, and tiny generated media files (valid PNG and JPEG, distinct bytes for every index).

import Foundation
import MediaScrub

#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock.
public func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// CPU seconds this thread has used (user and system).
public func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// CPU seconds this process has used, user and system, all threads.
public func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// Peak resident set size of this process so far, in KiB (`VmHWM`; resettable with `resetPeakRSS`).
public func peakRSSKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// Resets the kernel's peak-RSS mark (`VmHWM`) to the current RSS, so a later `peakRSSKiB` covers only what follows.
public func resetPeakRSS() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}

public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// A sink that keeps nothing: counts the bytes and folds them into a checksum, so the work cannot be skipped.
public final class CountingSink: ByteSink {
    public private(set) var count = 0
    public private(set) var checksum: UInt64 = 0

    public init() {}

    public func write(_ bytes: ArraySlice<UInt8>) throws {
        count += bytes.count
        if let last = bytes.last { checksum = checksum &* 31 &+ UInt64(last) &+ UInt64(bytes.count) }
    }
}

public struct BenchUsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// `--name value` options and bare words, in order.
public struct Options {
    public let words: [String]
    private let values: [String: String]

    public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        var words: [String] = []
        var values: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), index + 1 < arguments.count {
                values[String(argument.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                words.append(argument)
                index += 1
            }
        }
        self.words = words
        self.values = values
    }

    public func string(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchUsageError("missing --\(name)") }
        return value
    }

    public func optionalString(_ name: String) -> String? { values[name] }

    public func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else { throw BenchUsageError("--\(name) takes a whole number, not '\(text)'") }
        return value
    }

    public func double(_ name: String, default fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text) else { throw BenchUsageError("--\(name) takes a number, not '\(text)'") }
        return value
    }
}

/// Tiny valid media files for store fixtures: every index gives different bytes, both before and after cleaning,
/// and each carries a little metadata (a PNG tEXt chunk, a JPEG comment) for the scrubber to remove.
public enum TinyMedia {
    /// An 8x8 RGB PNG (stored deflate block) whose first pixels spell the index, with a tEXt comment.
    public static func png(index: Int) -> [UInt8] {
        var raw: [UInt8] = []
        for row in 0..<8 {
            raw.append(0)  // filter: none
            for column in 0..<8 {
                let value = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(row * 8 + column) &* 0x1000_0001
                raw += [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 40)]
            }
        }
        // The index itself, in the first row's pixels, so no two indexes can collide.
        for (offset, shift) in [56, 48, 40, 32, 24, 16, 8, 0].enumerated() {
            raw[1 + offset] = UInt8(truncatingIfNeeded: UInt64(index) >> UInt64(shift))
        }
        var zlib: [UInt8] = [0x78, 0x01, 0x01]
        zlib += [UInt8(raw.count & 0xFF), UInt8(raw.count >> 8), UInt8(~raw.count & 0xFF), UInt8((~raw.count >> 8) & 0xFF)]
        zlib += raw
        zlib += bigEndian(adler32(raw))
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(8) + bigEndian(8) + [8, 2, 0, 0, 0])
        png += chunk("tEXt", Array("Comment".utf8) + [0] + Array("bench fixture \(index), taken at the bridge".utf8))
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    /// An 8x8 baseline JPEG (made once with ImageMagick) with a COM segment; the first three entries of its luma
    /// quantisation table spell the index (values 1-255), which keeps it a valid, decodable image.
    public static func jpeg(index: Int) -> [UInt8] {
        var bytes = jpegTemplate
        bytes[25] = UInt8(1 + index % 255)
        bytes[26] = UInt8(1 + (index / 255) % 255)
        bytes[27] = UInt8(1 + (index / 65025) % 255)
        let comment = Array("bench fixture \(index), Canon EOS, 51.5N 0.12W".utf8)
        let segment: [UInt8] = [0xFF, 0xFE, UInt8((comment.count + 2) >> 8), UInt8((comment.count + 2) & 0xFF)] + comment
        bytes.insert(contentsOf: segment, at: 20)  // after APP0 (JFIF)
        return bytes
    }

    /// PNG for even indexes, JPEG for odd ones.
    public static func file(index: Int) -> [UInt8] {
        index % 2 == 0 ? png(index: index) : jpeg(index: index)
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static let jpegTemplate: [UInt8] = [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0xFF, 0xDB, 0x00, 0x43, 0x00, 0x03, 0x02, 0x02, 0x03, 0x02, 0x02, 0x03, 0x03, 0x03, 0x03, 0x04, 0x03, 0x03, 0x04, 0x05,
        0x08, 0x05, 0x05, 0x04, 0x04, 0x05, 0x0A, 0x07, 0x07, 0x06, 0x08, 0x0C, 0x0A, 0x0C, 0x0C, 0x0B, 0x0A, 0x0B, 0x0B, 0x0D,
        0x0E, 0x12, 0x10, 0x0D, 0x0E, 0x11, 0x0E, 0x0B, 0x0B, 0x10, 0x16, 0x10, 0x11, 0x13, 0x14, 0x15, 0x15, 0x15, 0x0C, 0x0F,
        0x17, 0x18, 0x16, 0x14, 0x18, 0x12, 0x14, 0x15, 0x14, 0xFF, 0xDB, 0x00, 0x43, 0x01, 0x03, 0x04, 0x04, 0x05, 0x04, 0x05,
        0x09, 0x05, 0x05, 0x09, 0x14, 0x0D, 0x0B, 0x0D, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
        0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
        0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0xFF, 0xC0,
        0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03, 0x01, 0x11, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xC4, 0x00,
        0x14, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0xFF,
        0xC4, 0x00, 0x18, 0x10, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x01, 0x16, 0x63, 0x91, 0xFF, 0xC4, 0x00, 0x15, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x08, 0xFF, 0xC4, 0x00, 0x17, 0x11, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x17, 0x63, 0xA1, 0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00,
        0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00, 0x1B, 0x4F, 0xAC, 0x5A, 0x38, 0xA3, 0xE5, 0x85, 0x1C, 0xE1, 0xAE, 0x9F, 0xFF,
        0xD9,
    ]
}
