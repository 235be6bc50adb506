/// A push parser for multipart/form-data (RFC 7578) that never holds a part's body: body bytes are handed on
/// as they arrive, less a tail the length of the delimiter that might still turn out to be one.
///
/// Chosen over multipart-kit's parser after measuring both on the same input (`Scripts/bench.sh`, docs/BENCHMARKS.md):
/// this scanner searches for the delimiter with memchr over whole buffers.
public struct MultipartStreamParser {
    public enum Event {
        case partBegin(MultipartPartHeaders)
        case body(ArraySlice<UInt8>)
        case partEnd
    }

    public enum State: Sendable {
        case preamble, headers, body, afterDelimiter, epilogue
    }

    static let maximumHeaderBytes = 16 * 1024

    private let delimiter: [UInt8]  // "\r\n--" + boundary
    private var buffer: [UInt8] = []
    private var start = 0
    public private(set) var state: State = .preamble

    public init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may open the body without a preceding CRLF: pretend one came before it.
        buffer = [13, 10]
    }

    /// Feeds more bytes; `handler` receives events in order.
    ///
    /// Bytes already handed on are not kept: what is left of the buffer moves to a new array, so that a body handed
    /// on whole (see `handOnBody`) is an array nobody changes after, which a consumer can keep without copying it.
    /// Until something is handed on (part headers arriving in small pieces), the buffer just grows.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ handler: (Event) throws -> Void) throws {
        if start == 0 {
            buffer.append(contentsOf: bytes)
        } else {
            buffer = Self.joined(buffer[start...], bytes)
            start = 0
        }
        try process(handler)
    }

    /// A new array of `kept` then `bytes`. Made in a function of its own so that no other reference to it is left
    /// in `feed` (one was, and it made `handOnBody`'s truncation copy the whole array: seen in callgrind).
    private static func joined(_ kept: ArraySlice<UInt8>, _ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(kept.count + bytes.count)
        joined.append(contentsOf: kept)
        joined.append(contentsOf: bytes)
        return joined
    }

    /// Declares the end of the input; throws when the body stopped before the closing delimiter.
    public func finish() throws {
        guard state == .epilogue else { throw MultipartError.truncated }
    }

    private mutating func process(_ handler: (Event) throws -> Void) throws {
        while true {
            switch state {
            case .preamble:
                guard let found = find(delimiter, from: start) else {
                    start = max(start, buffer.count - delimiter.count)
                    return
                }
                start = found + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count - start >= 2 else { return }
                if buffer[start] == UInt8(ascii: "-") && buffer[start + 1] == UInt8(ascii: "-") {
                    state = .epilogue
                    start = buffer.count
                    return
                }
                // Transport padding (spaces, tabs) may follow the boundary before its CRLF.
                guard let lineEnd = find([13, 10], from: start) else {
                    guard buffer.count - start < 256 else { throw MultipartError.malformed("a boundary line is too long") }
                    return
                }
                guard buffer[start..<lineEnd].allSatisfy({ $0 == 32 || $0 == 9 }) else {
                    throw MultipartError.malformed("text follows a boundary on its line")
                }
                start = lineEnd + 2
                state = .headers
            case .headers:
                guard let end = find([13, 10, 13, 10], from: start) ?? (buffer[start...].starts(with: [13, 10]) ? start - 2 : nil) else {
                    guard buffer.count - start <= Self.maximumHeaderBytes else {
                        throw MultipartError.malformed("the headers of a part are longer than \(Self.maximumHeaderBytes) bytes")
                    }
                    return
                }
                let headers = try MultipartPartHeaders(parsing: buffer[start..<max(start, end)])
                start = end + 4
                state = .body
                try handler(.partBegin(headers))
            case .body:
                if let found = find(delimiter, from: start) {
                    if found > start { try handler(.body(buffer[start..<found])) }
                    try handler(.partEnd)
                    start = found + delimiter.count
                    state = .afterDelimiter
                } else {
                    // Keep back what could be the start of a delimiter split across reads.
                    let safeEnd = buffer.count - (delimiter.count - 1)
                    if safeEnd > start {
                        try handOnBody(upTo: safeEnd, handler)
                    }
                    return
                }
            case .epilogue:
                start = buffer.count
                return
            }
        }
    }

    /// Hands on `buffer[start..<end]` as body bytes, keeping what follows. When the body is all of the buffer up to
    /// `end` (the usual case inside a file part) the buffer itself goes out, its kept tail moved to a new one.
    private mutating func handOnBody(upTo end: Int, _ handler: (Event) throws -> Void) throws {
        guard start == 0 else {
            try handler(.body(buffer[start..<end]))
            start = end
            return
        }
        var body = Array(buffer[end...])
        swap(&body, &buffer)
        start = 0
        // `body` is now the only reference to the array: cut in place, not copied.
        body.removeSubrange(end...)
        try handler(.body(body[...]))
    }

    /// Index of the first occurrence of `needle` at or after `from`: memchr for the first byte, then a compare.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard buffer.count - from >= needle.count else { return nil }
        return buffer.withUnsafeBufferPointer { haystack -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                let base = haystack.baseAddress!
                let last = haystack.count - pattern.count
                var position = from
                while position <= last {
                    guard let hit = memchr(base + position, Int32(pattern[0]), last - position + 1) else { return nil }
                    let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + index, pattern.baseAddress!, pattern.count) == 0 { return index }
                    position = index + 1
                }
                return nil
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
