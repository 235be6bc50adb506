import Foundation

/// Large output written to stdout in blocks, bypassing `print`'s per-call work.
enum StandardOutput {
    static func write(_ bytes: [UInt8]) throws {
        // Anything `print` buffered goes first.
        fflush(nil)
        try FileHandle.standardOutput.write(contentsOf: bytes)
    }
}
