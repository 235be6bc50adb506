// Measures evidence-drop's streaming multipart parser (`MultipartStreamParser`) against multipart-kit 4.7.1's
// streaming `MultipartParser` on the same in-memory bodies, fed in 64 KiB ByteBuffer pieces as Hummingbird
// delivers a request body. Both parsers must report the same number of parts and body bytes (and the number
// the body was built with), or the benchmark fails.
//
// Output: a human-readable report, then one line per case for Scripts/bench.sh:
//   ROW<TAB>benchmark<TAB>ours MB/s<TAB>reference MB/s<TAB>ratio (ours / reference)
// MB/s counts the whole multipart body (headers and delimiters included) in 10^6 bytes per second.

import EvidenceServer
import Foundation
import MultipartKit
import NIOCore

@main
struct BenchMultipart {
    static let pieceSize = 64 * 1024
    static let repetitions = 5

    static func main() throws {
        var repetitions = Self.repetitions
        if let value = ProcessInfo.processInfo.environment["BENCH_REPETITIONS"], let count = Int(value), count > 0 {
            repetitions = count
        }
        let cases: [(name: String, parts: [PartSpec])] = [
            ("multipart: 1 file part of 256 MiB", [PartSpec(name: "files", filename: "big.bin", size: 256 << 20)]),
            (
                "multipart: 200 file parts of 3 MB + message",
                [PartSpec(name: "message", filename: nil, size: 2_000)]
                    + (0..<200).map { PartSpec(name: "files", filename: "IMG_\(1000 + $0).jpg", size: 3_000_000) }
            ),
        ]
        var rows: [String] = []
        for benchCase in cases {
            let body = MultipartBody(parts: benchCase.parts, seed: 0x5EED_0000 &+ UInt64(benchCase.parts.count))
            let pieces = body.pieces(of: pieceSize)
            let megabytes = Double(body.bytes.readableBytes) / 1e6
            print("\(benchCase.name): body \(body.bytes.readableBytes) bytes, \(pieces.count) pieces of \(pieceSize / 1024) KiB, "
                + "\(body.expectedParts) parts, \(body.expectedBodyBytes) part-body bytes")

            // Untimed: both parsers must hand on exactly the same bytes, part by part.
            let oursDigests = try digestWithOurs(pieces, boundary: body.boundary)
            let referenceDigests = try digestWithMultipartKit(pieces, boundary: body.boundary)
            guard oursDigests == referenceDigests, oursDigests.count == body.expectedParts else {
                throw BenchError.mismatch("the parsers disagree on the content of the parts")
            }
            print("  content check: \(oursDigests.count) parts with identical bytes from both parsers")

            var ours: [Double] = []
            var reference: [Double] = []
            for run in 1...repetitions {
                // Alternate which parser goes first so that neither always runs on a warmer machine.
                let order: [Bool] = run % 2 == 1 ? [true, false] : [false, true]
                for isOurs in order {
                    let start = ContinuousClock.now
                    let count = isOurs ? try parseWithOurs(pieces, boundary: body.boundary) : try parseWithMultipartKit(pieces, boundary: body.boundary)
                    let seconds = (ContinuousClock.now - start).seconds
                    guard count.parts == body.expectedParts, count.bodyBytes == body.expectedBodyBytes else {
                        throw BenchError.mismatch(
                            "\(isOurs ? "MultipartStreamParser" : "multipart-kit") counted \(count.parts) parts and \(count.bodyBytes) bytes, "
                                + "expected \(body.expectedParts) and \(body.expectedBodyBytes)"
                        )
                    }
                    if isOurs { ours.append(megabytes / seconds) } else { reference.append(megabytes / seconds) }
                }
                print(String(format: "  run %d: ours %8.1f MB/s   multipart-kit %8.1f MB/s", run, ours.last!, reference.last!))
            }
            let oursMedian = median(ours)
            let referenceMedian = median(reference)
            let ratio = oursMedian / referenceMedian
            print(String(format: "  median: ours %.1f MB/s, multipart-kit 4.7.1 %.1f MB/s, ratio %.2fx (same %d parts, %d bytes)",
                         oursMedian, referenceMedian, ratio, body.expectedParts, body.expectedBodyBytes))
            rows.append(String(format: "ROW\t%@\t%.0f MB/s\t%.0f MB/s (multipart-kit 4.7.1)\t%.2fx", benchCase.name, oursMedian, referenceMedian, ratio))
        }
        for row in rows { print(row) }
    }

    struct Count: Equatable {
        var parts = 0
        var bodyBytes = 0
    }

    static func parseWithOurs(_ pieces: [ByteBuffer], boundary: String) throws -> Count {
        var parser = MultipartStreamParser(boundary: boundary)
        var count = Count()
        var open = false
        for piece in pieces {
            try piece.withUnsafeReadableBytes { bytes in
                try parser.feed(bytes) { event in
                    switch event {
                    case .partBegin:
                        guard !open else { throw BenchError.mismatch("part began inside a part") }
                        open = true
                    case .body(let slice):
                        count.bodyBytes += slice.count
                    case .partEnd:
                        guard open else { throw BenchError.mismatch("part ended outside a part") }
                        open = false
                        count.parts += 1
                    }
                }
            }
        }
        try parser.finish()
        return count
    }

    static func parseWithMultipartKit(_ pieces: [ByteBuffer], boundary: String) throws -> Count {
        let parser = MultipartParser(boundary: boundary)
        // The callbacks are non-escaping in spirit but stored, so the counts live in a box.
        final class Box { var count = Count(); var headers = 0 }
        let box = Box()
        parser.onHeader = { _, _ in box.headers += 1 }
        parser.onBody = { buffer in box.count.bodyBytes += buffer.readableBytes }
        parser.onPartComplete = { box.count.parts += 1 }
        for piece in pieces {
            try parser.execute(piece)
        }
        return box.count
    }

    /// FNV-1a over a part's body bytes: the same whichever way the bytes were split.
    struct Digest: Equatable {
        var state: UInt64 = 0xCBF2_9CE4_8422_2325
        mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            for byte in bytes { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
    }

    static func digestWithOurs(_ pieces: [ByteBuffer], boundary: String) throws -> [Digest] {
        var parser = MultipartStreamParser(boundary: boundary)
        var digests: [Digest] = []
        for piece in pieces {
            try piece.withUnsafeReadableBytes { bytes in
                try parser.feed(bytes) { event in
                    switch event {
                    case .partBegin: digests.append(Digest())
                    case .body(let slice): digests[digests.count - 1].add(slice)
                    case .partEnd: break
                    }
                }
            }
        }
        try parser.finish()
        return digests
    }

    static func digestWithMultipartKit(_ pieces: [ByteBuffer], boundary: String) throws -> [Digest] {
        let parser = MultipartParser(boundary: boundary)
        final class Box { var digests: [Digest] = []; var current = Digest() }
        let box = Box()
        parser.onBody = { buffer in box.current.add(buffer.readableBytesView) }
        parser.onPartComplete = { box.digests.append(box.current); box.current = Digest() }
        for piece in pieces {
            try parser.execute(piece)
        }
        return box.digests
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

enum BenchError: Error, CustomStringConvertible {
    case mismatch(String)
    var description: String {
        switch self { case .mismatch(let why): return "correctness check failed: \(why)" }
    }
}

struct PartSpec {
    var name: String
    var filename: String?
    var size: Int
}

/// A multipart/form-data body held in one ByteBuffer, with random part contents (seeded, so reproducible).
struct MultipartBody {
    let boundary: String
    let bytes: ByteBuffer
    let expectedParts: Int
    let expectedBodyBytes: Int

    init(parts: [PartSpec], seed: UInt64) {
        var random = WyRand(seed: seed)
        // Like a browser's boundary: dashes and 16 random alphanumerics.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        boundary = "----WebKitFormBoundary" + String((0..<16).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        let total = parts.reduce(0) { $0 + $1.size + 256 } + 64
        var buffer = ByteBufferAllocator().buffer(capacity: total)
        for part in parts {
            buffer.writeString("--\(boundary)\r\n")
            if let filename = part.filename {
                buffer.writeString("Content-Disposition: form-data; name=\"\(part.name)\"; filename=\"\(filename)\"\r\n")
                buffer.writeString("Content-Type: image/jpeg\r\n\r\n")
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: part.size) { space in
                    random.fill(UnsafeMutableRawBufferPointer(rebasing: space[0..<part.size]))
                    return part.size
                }
            } else {
                buffer.writeString("Content-Disposition: form-data; name=\"\(part.name)\"\r\n\r\n")
                let words = ["the", "police", "arrived", "at", "the", "square", "around", "nine", "and", "filmed"]
                var text = ""
                while text.utf8.count < part.size { text += words[Int(random.next() % UInt64(words.count))] + " " }
                buffer.writeBytes(text.utf8.prefix(part.size))
            }
            buffer.writeString("\r\n")
        }
        buffer.writeString("--\(boundary)--\r\n")
        bytes = buffer
        expectedParts = parts.count
        expectedBodyBytes = parts.reduce(0) { $0 + $1.size }
        // Random data could contain the delimiter by chance (about 2^-300 odds here); make sure it does not.
        let delimiter = Array("\r\n--\(boundary)".utf8)
        let occurrences = bytes.readableBytesView.withContiguousStorageIfAvailable { view -> Int in
            var found = 0
            var index = 0
            while index + delimiter.count <= view.count {
                if view[index] == 13, view[index + 1] == 10, view[index + 2] == 45, view[index + 3] == 45,
                   memcmp(view.baseAddress! + index, delimiter, delimiter.count) == 0 { found += 1 }
                index += 1
            }
            return found
        }
        precondition(occurrences == nil || occurrences == parts.count, "the random data contains the delimiter; change the seed")
    }

    /// Slices of the body (sharing its storage) of `size` bytes each, the last shorter.
    func pieces(of size: Int) -> [ByteBuffer] {
        var rest = bytes
        var pieces: [ByteBuffer] = []
        while rest.readableBytes > 0 {
            pieces.append(rest.readSlice(length: min(size, rest.readableBytes))!)
        }
        return pieces
    }
}

/// wyrand: fast, good-enough pseudo-random bytes for test data (not for anything secret).
struct WyRand {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0xA076_1D64_78BD_642F
        let product = state.multipliedFullWidth(by: state ^ 0xE703_7ED1_A0B4_28DB)
        return product.high ^ product.low
    }

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset + 8 <= buffer.count {
            buffer.storeBytes(of: next(), toByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        if offset < buffer.count {
            var last = next()
            withUnsafeBytes(of: &last) { word in
                for index in offset..<buffer.count { buffer[index] = word[index - offset] }
            }
        }
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
