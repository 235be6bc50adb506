import Foundation

/// Reproducible pseudo-random bytes (splitmix64), made block by block so large objects are never held whole.
struct PseudoRandomBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// `count` bytes from a fresh generator.
    static func bytes(seed: UInt64, count: Int) -> [UInt8] {
        var generator = PseudoRandomBytes(seed: seed)
        return generator.next(count)
    }

    mutating func next(_ count: Int) -> [UInt8] {
        var words = [UInt64](repeating: 0, count: (count + 7) / 8)
        for index in words.indices {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            words[index] = z ^ (z >> 31)
        }
        return words.withUnsafeBytes { Array($0.prefix(count)) }
    }
}

/// This process's resident memory, from /proc (Linux).
enum ProcessMemory {
    /// Starts a new peak at the current resident size (Linux's clear_refs "5") and returns that size;
    /// nil where /proc does not allow it.
    static func resetPeak() -> Int? {
        guard let file = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return nil }
        defer { try? file.close() }
        guard (try? file.write(contentsOf: Data("5".utf8))) != nil else { return nil }
        return status("VmRSS")
    }

    /// The largest resident size since the last reset.
    static func peak() -> Int? {
        status("VmHWM")
    }

    private static func status(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
