@testable import EvidenceServer
import Testing

struct MultipartStreamParserTests {
    struct Part: Equatable {
        var name: String
        var isFile: Bool
        var body: [UInt8]
    }

    static let body = Array("""
        preamble to ignore\r
        --BoUnDaRy\r
        Content-Disposition: form-data; name="message"\r
        \r
        hello\r
        --BoUnDaRx is a near miss\r
        --BoUnDaRy  \r
        Content-Disposition: form-data; name="files"; filename="x.jpg"\r
        Content-Type: image/jpeg\r
        \r
        \r\n--BoUnDaR\r\n-\r
        --BoUnDaRy--\r
        epilogue
        """.utf8)

    /// Feeds `bytes` in pieces of the given sizes (cycled) and collects the parts.
    static func parse(_ bytes: [UInt8], pieces: [Int]) throws -> [Part] {
        var parser = MultipartStreamParser(boundary: "BoUnDaRy")
        var parts: [Part] = []
        var index = 0
        var piece = 0
        while index < bytes.count {
            let end = min(bytes.count, index + pieces[piece % pieces.count])
            try bytes[index..<end].withUnsafeBytes { raw in
                try parser.feed(raw) { event in
                    switch event {
                    case .partBegin(let headers): parts.append(Part(name: headers.name, isFile: headers.isFile, body: []))
                    case .body(let slice): parts[parts.count - 1].body += slice
                    case .partEnd: break
                    }
                }
            }
            index = end
            piece += 1
        }
        try parser.finish()
        return parts
    }

    @Test("parts and bodies are the same however the input is split", arguments: [[1], [2], [3, 7], [13], [64 * 1024]])
    func splits(pieces: [Int]) throws {
        let parts = try Self.parse(Self.body, pieces: pieces)
        #expect(parts.count == 2)
        #expect(parts[0] == Part(name: "message", isFile: false, body: Array("hello\r\n--BoUnDaRx is a near miss".utf8)))
        #expect(parts[1] == Part(name: "files", isFile: true, body: Array("\r\n--BoUnDaR\r\n-".utf8)))
    }

    @Test("inside a file part, bodies go out as whole arrays that a consumer keeps without copying")
    func bodiesAreWholeArrays() throws {
        let file = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        let body = Array("--BoUnDaRy\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f\"\r\n\r\n".utf8)
            + file + Array("\r\n--BoUnDaRy--\r\n".utf8)
        var parser = MultipartStreamParser(boundary: "BoUnDaRy")
        var received: [UInt8] = []
        var kept: [[UInt8]] = []
        var wholeBodies = 0
        var bodies = 0
        for start in stride(from: 0, to: body.count, by: 64 * 1024) {
            try body[start..<min(body.count, start + 64 * 1024)].withUnsafeBytes { raw in
                try parser.feed(raw) { event in
                    guard case .body(let slice) = event else { return }
                    bodies += 1
                    let array = Array(slice)
                    let shared = slice.withUnsafeBufferPointer { $0.baseAddress } == array.withUnsafeBufferPointer { $0.baseAddress }
                    if shared { wholeBodies += 1 }
                    received += slice
                    kept.append(array)
                }
            }
        }
        try parser.finish()
        #expect(received == file)
        // The arrays kept still hold what they held when handed on: the parser never writes into them again.
        #expect(Array(kept.joined()) == file)
        // All but the first (after the headers) and the last (before the closing delimiter) are whole arrays.
        #expect(bodies >= 5)
        #expect(wholeBodies >= bodies - 2)
    }

    @Test("a body cut before the closing boundary is an error")
    func truncated() throws {
        let cut = Array(Self.body.prefix(Self.body.count - 20))
        #expect(throws: MultipartError.self) { try Self.parse(cut, pieces: [5]) }
    }

    @Test("endless part headers are refused")
    func headerLimit() throws {
        let hostile = Array("--BoUnDaRy\r\n".utf8) + [UInt8](repeating: 65, count: 20_000)
        #expect(throws: MultipartError.self) { try Self.parse(hostile, pieces: [4096]) }
    }

    @Test("the boundary is read from the Content-Type")
    func boundary() {
        #expect(SubmissionController.boundary(of: "multipart/form-data; boundary=abc") == "abc")
        #expect(SubmissionController.boundary(of: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(SubmissionController.boundary(of: "application/json") == nil)
        #expect(SubmissionController.boundary(of: "multipart/form-data") == nil)
    }
}
