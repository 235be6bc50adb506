@testable import evidence_review
import Foundation
import Testing

/// `list --json` is written by hand (`ListJSON`); it must stay the very document `JSONEncoder` made before.
struct ListJSONTests {
    /// Strings JSON writers disagree on: quotes, backslashes, slashes, every control character, DEL, non-ASCII,
    /// the line and paragraph separators JavaScript once choked on, a byte-order mark, CRLF and combining marks.
    static let tricky: [String] = [
        "", "plain", "quote \" and backslash \\ and slash / and \\\"", "tab\there\nnew line\r\nCRLF",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }), "DEL \u{7F}", "é e\u{301} 写真 😀 🇺🇦",
        "line\u{2028}paragraph\u{2029}bom\u{FEFF}", "\u{0}nul at the start", "ends in a backslash \\",
        "</script><!-- -->", "\u{1B}[31mred\u{1B}[0m",
    ]

    static func listing(id: Int, tags: [String] = [], duplicates: [Int] = [], purged: String? = nil, hash: String = "ab") throws -> FileListing {
        var json: [String: Any] = [
            "id": id, "submission": id * 7, "received_hour": "2026-11-25T14:00Z", "type": "image/jpeg",
            "sealed_size": 1_300_000 + id % 1000, "status": "pending", "sealed_sha256": "ef", "duplicates": duplicates,
            "tags": tags, "legal_hold": id % 2 == 0, "original_kept": id % 3 == 0, "cleaned": id % 5 != 0,
        ]
        // Without a key that opens them, the sealed facts' fields are absent.
        if id % 4 != 2 {
            json.merge(["original_size": 1_234_567, "cleaned_size": 0, "original_sha256": hash, "cleaned_sha256": hash + "cd"]) { $1 }
        }
        if let purged { json["purged_hour"] = purged }
        return try JSONDecoder().decode(FileListing.self, from: JSONSerialization.data(withJSONObject: json))
    }

    static func files(decrypted: Bool) throws -> [ListCommand.ListedFile] {
        var listings = [
            try listing(id: 1, tags: tricky, duplicates: [3, 7, 12]),
            try listing(id: 2, purged: "2026-12-01T00:00Z"),
            try listing(id: 3, tags: ["bridge"], duplicates: [1], purged: tricky[2], hash: tricky[4]),
            try listing(id: 9_007_199_254_740_993, hash: tricky[6]),
            try listing(id: 0, duplicates: [Int(Int64.max), Int(Int64.min), -1, 0]),
        ]
        listings += try tricky.indices.map { try listing(id: 100 + $0, tags: [tricky[$0]], hash: tricky[$0]) }
        return listings.enumerated().map { index, listing in
            // With --key, "message" is there: null for a submission without one.
            let message = index % 4 == 1 ? nil : tricky[index % tricky.count]
            return ListCommand.ListedFile(listing: listing, decrypted: decrypted, message: decrypted ? message : nil)
        }
    }

    @Test("the document is byte for byte what JSONEncoder makes", arguments: [false, true])
    func sameAsJSONEncoder(decrypted: Bool) throws {
        let files = try Self.files(decrypted: decrypted)
        #expect(ListJSON.document(files) == Array(try JSONOutput.encode(files).utf8))
        #expect(ListJSON.document([]) == Array(try JSONOutput.encode([ListCommand.ListedFile]()).utf8))
        #expect(ListJSON.document(Array(files.prefix(1))) == Array(try JSONOutput.encode(Array(files.prefix(1))).utf8))
    }

    @Test("written in blocks, it is the same document")
    func blocks() throws {
        let files = try Self.files(decrypted: true)
        var blocks: [[UInt8]] = []
        ListJSON.write(files, blockSize: 100) { blocks.append($0) }
        #expect(blocks.count > 3)
        #expect(Array(blocks.joined()) == ListJSON.document(files))
    }

    @Test("every tricky string is escaped as JSONEncoder escapes it and parses back to itself")
    func strings() throws {
        for string in Self.tricky {
            var bytes = JSONBytes()
            bytes.string(string)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            #expect(bytes.bytes == Array(try encoder.encode(string)), "\(string.debugDescription)")
            #expect(try JSONSerialization.jsonObject(with: Data(bytes.bytes), options: .fragmentsAllowed) as? String == string)
            #expect(try JSONDecoder().decode(String.self, from: Data(bytes.bytes)) == string)
        }
    }

    @Test("integers are written as JSONEncoder writes them", arguments: [0, 1, -1, 9, 10, 1_234_567, Int64.max, Int64.min])
    func integers(value: Int64) throws {
        var bytes = JSONBytes()
        bytes.integer(value)
        #expect(bytes.bytes == Array(try JSONEncoder().encode(value)))
    }

    @Test("Python's json module reads the document back to the same values",
          .enabled(if: ListJSONTests.hasPython3, "python3 is not installed"))
    func python() throws {
        let files = try Self.files(decrypted: true)
        let document = Data(ListJSON.document(files))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("list-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("list.json")
        let output = directory.appendingPathComponent("python.json")
        try document.write(to: input)
        // Read strictly (no NaN, no duplicate keys), then written back all-ASCII for Swift to compare.
        let program = """
            import json, sys
            def strict(pairs):
                keys = [k for k, _ in pairs]
                assert len(keys) == len(set(keys)), keys
                assert keys == sorted(keys), keys
                return dict(pairs)
            def no_constant(name):
                raise ValueError(name)
            with open(sys.argv[1], encoding="utf-8") as f:
                files = json.load(f, object_pairs_hook=strict, parse_constant=no_constant)
            with open(sys.argv[2], "w", encoding="ascii") as f:
                json.dump(files, f, ensure_ascii=True, sort_keys=True)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program, input.path, output.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fromPython = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [[String: Any]])
        let fromSwift = try #require(try JSONSerialization.jsonObject(with: document) as? [[String: Any]])
        #expect(NSArray(array: fromPython) == NSArray(array: fromSwift))
        #expect(fromPython.map { $0["message"] as? String } == files.map(\.message))
        #expect(fromPython.map { $0["tags"] as? [String] ?? [] } == files.map(\.listing.tags))
        #expect(fromPython.map { $0["original_sha256"] as? String } == files.map { $0.listing.originalSHA256?.description })
        #expect(fromPython.contains { $0["original_sha256"] == nil } && fromPython.contains { $0["original_sha256"] != nil })
    }

    static let hasPython3 = ["/usr/bin/python3", "/usr/local/bin/python3"].contains { FileManager.default.isExecutableFile(atPath: $0) }
}
