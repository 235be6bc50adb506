import EvidenceCrypto
import Testing
@testable import EvidenceCore

@Suite struct LogEntryTests {
    static let hashA = String(repeating: "a", count: 64)
    static let hashB = String(repeating: "b", count: 64)
    static let hashC = String(repeating: "c", count: 64)

    static func receivedV1() throws -> LogEntry {
        .receivedV1(try .init(
            submissionID: 3, fileID: 12, originalSHA256: hashA, originalSize: 2048, cleanedSHA256: hashB, cleanedSize: 1900,
            sealedSHA256: hashC, sealedSize: 2100, mediaType: "image/jpeg", hour: "2026-11-25T09:00Z"))
    }

    static func received() throws -> LogEntry {
        .received(try .init(
            submissionID: 3, fileID: 12, originalCommitment: hashA, cleanedCommitment: hashB, sealedSHA256: hashC,
            sealedSize: 2100, mediaType: "image/jpeg", hour: "2026-11-25T09:00Z"))
    }

    /// docs/TRANSPARENCY-LOG.md, "Commitments": the test vector and the example entry with its leaf hash.
    @Test func commitmentTestVectorAndExampleEntry() throws {
        let opening = Hex.encode(SHA256Hasher.hash(Array("evidence-drop test vector opening".utf8)))
        let empty = Hex.encode(SHA256Hasher.hash([]))
        #expect(opening == "ba19e9e037f8c23535d4c18691bc36fe2cd9c951dacc9e2352a901fdc0f38d6c")
        let original = try #require(FileCommitment.commitment(.original, opening: opening, sha256: empty))
        let cleaned = try #require(FileCommitment.commitment(.cleaned, opening: opening.uppercased(), sha256: empty))
        #expect(original == "3ccfb0b10a0a6576297ef482cf60eac6e2447467d4335a487158e07857e12364")
        #expect(cleaned == "0ef811d99f2ff058bd8ac2566ec200ba971891b36e7afbc2ee2c3c58fbf62ddd")
        let entry = LogEntry.received(try .init(
            submissionID: 7, fileID: 12, originalCommitment: original, cleanedCommitment: cleaned,
            sealedSHA256: Hex.encode(SHA256Hasher.hash(Array("evidence-drop test vector sealed file".utf8))), sealedSize: 183,
            mediaType: "image/jpeg", hour: "2026-11-25T09:00Z"))
        #expect(entry.encode().count == 371)
        #expect(Hex.encode(MerkleTree.leafHash(entry.encode())) == "92df7119eeab24917e2255f7ce1d1e3c7c31cd33c0025fc42d4d95b9a678ec44")
        // Neither a short opening nor a hash that is not one makes a commitment.
        #expect(FileCommitment.commitment(.original, opening: String(opening.dropLast(2)), sha256: empty) == nil)
        #expect(FileCommitment.commitment(.original, opening: opening, sha256: "xyz") == nil)
        // Two fresh openings for the same hash commit differently: the commitment hides the hash.
        #expect(FileCommitment.commitment(.original, opening: FileCommitment.newOpening(), sha256: empty)
            != FileCommitment.commitment(.original, opening: FileCommitment.newOpening(), sha256: empty))
    }

    @Test func receivedEncodingIsExact() throws {
        let expected = """
            evidence-drop log entry v2
            kind received
            submission 3
            file 12
            original-commitment \(Self.hashA)
            cleaned-commitment \(Self.hashB)
            sealed-sha256 \(Self.hashC)
            sealed-size 2100
            media-type image/jpeg
            hour 2026-11-25T09:00Z

            """
        #expect(String(decoding: try Self.received().encode(), as: UTF8.self) == expected)
    }

    /// Entries written before commitments stay readable, byte for byte, and are not taken for version 2 ones.
    @Test func versionOneEntriesStayReadable() throws {
        let v1 = try Self.receivedV1().encode()
        #expect(try LogEntry(decoding: v1) == (try Self.receivedV1()))
        let reviewedV1 = Array("evidence-drop log entry v1\nkind exported\nfile 3\nactor ed\nhour 2026-11-25T09:00Z\n".utf8)
        let decoded = try LogEntry(decoding: reviewedV1)
        #expect(decoded == .exported(try .init(fileID: 3, actor: "ed", hour: "2026-11-25T09:00Z")))
        // The same kind written now is version 2; each version's bytes are canonical only under their own header.
        #expect(decoded.encode() != reviewedV1)
        let v2Header = Array("evidence-drop log entry v2".utf8) + v1.drop { $0 != 0x0a }
        #expect(throws: LogEntryError.self) { try LogEntry(decoding: v2Header) }
        let v1Header = Array("evidence-drop log entry v1".utf8) + (try Self.received().encode()).drop { $0 != 0x0a }
        #expect(throws: LogEntryError.self) { try LogEntry(decoding: v1Header) }
        #expect(throws: LogEntryError.self) { try LogEntry(decoding: Array("evidence-drop log entry v3\nkind exported\n".utf8)) }
    }

    @Test func receivedV1EncodingIsExact() throws {
        let expected = """
            evidence-drop log entry v1
            kind received
            submission 3
            file 12
            original-sha256 \(Self.hashA)
            original-size 2048
            cleaned-sha256 \(Self.hashB)
            cleaned-size 1900
            sealed-sha256 \(Self.hashC)
            sealed-size 2100
            media-type image/jpeg
            hour 2026-11-25T09:00Z

            """
        #expect(String(decoding: try Self.receivedV1().encode(), as: UTF8.self) == expected)
    }

    @Test func everyKindRoundTrips() throws {
        let entries: [LogEntry] = [
            try Self.received(),
            try Self.receivedV1(),
            .originalKept(try .init(fileID: 12, originalCommitment: Self.hashA, sealedSHA256: Self.hashC, sealedSize: 4096, hour: "2026-11-25T09:00Z")),
            .originalKeptV1(try .init(fileID: 12, originalSHA256: Self.hashA, sealedSHA256: Self.hashC, sealedSize: 4096, hour: "2026-11-25T09:00Z")),
            .reviewed(try .init(fileID: 12, decision: .reject, reason: "лицо видно\nline two \\ end ", actor: "Ainur Q", hour: "2026-11-25T10:00Z")),
            .reviewed(try .init(fileID: 12, decision: .approve, reason: "", actor: "ed", hour: "2026-11-25T10:00Z")),
            // A value that starts with a combining mark: on the line it follows the field name's space, with which it
            // would make one Character, so the reader must split on bytes.
            .reviewed(try .init(fileID: 12, decision: .reject, reason: "\u{301}accent first", actor: "\u{308}o", hour: "2026-11-25T10:00Z")),
            .exported(try .init(fileID: 12, actor: "ed", hour: "2026-11-25T11:00Z")),
            .noteAdded(try .init(fileID: 12, noteText: "secret source name", actor: "ed", hour: "2026-11-25T11:00Z")),
            .deleted(try .init(fileID: 12, reason: "tab\there\u{7f}\u{1}", actor: "server", hour: "2026-11-26T00:00Z")),
            .granted(try .init(
                fileID: 12, copy: .original, previousSealedSHA256: Self.hashB, sealedSHA256: Self.hashC, sealedSize: 2199,
                recipient: "sha256:79927dd4b103092dc735e83eda53a5f7", actor: "ed [sha256:0123456789abcdef0123456789abcdef]",
                hour: "2026-11-27T00:00Z")),
        ]
        for entry in entries {
            let bytes = entry.encode()
            #expect(try LogEntry(decoding: bytes) == entry)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(" \n"), "trailing space in \(text)")
        }
        #expect(Set(entries.map { $0.encode() }).count == entries.count)
    }

    @Test func grantedEncodingIsExact() throws {
        let entry = LogEntry.granted(try .init(
            fileID: 12, copy: .cleaned, previousSealedSHA256: Self.hashA, sealedSHA256: Self.hashB, sealedSize: 2199,
            recipient: "sha256:79927dd4b103092dc735e83eda53a5f7", actor: "Ainur Q", hour: "2026-11-25T09:00Z"))
        let expected = """
            evidence-drop log entry v2
            kind granted
            file 12
            copy cleaned
            previous-sealed-sha256 \(Self.hashA)
            sealed-sha256 \(Self.hashB)
            sealed-size 2199
            recipient sha256:79927dd4b103092dc735e83eda53a5f7
            actor Ainur Q
            hour 2026-11-25T09:00Z

            """
        #expect(String(decoding: entry.encode(), as: UTF8.self) == expected)
        #expect(throws: LogEntryError.self) {
            try LogEntry.Granted(
                fileID: 1, copy: .cleaned, previousSealedSHA256: Self.hashA, sealedSHA256: Self.hashB, sealedSize: 1,
                recipient: "sha256:79927DD4B103092DC735E83EDA53A5F7", actor: "ed", hour: "2026-11-25T09:00Z")
        }
        let altered = String(decoding: entry.encode(), as: UTF8.self).replacingOccurrences(of: "copy cleaned", with: "copy both")
        #expect(throws: LogEntryError.self) { try LogEntry(decoding: Array(altered.utf8)) }
    }

    @Test func noteTextIsHashedNotLogged() throws {
        let entry = LogEntry.noteAdded(try .init(fileID: 1, noteText: "secret source name", actor: "ed", hour: "2026-11-25T11:00Z"))
        let text = String(decoding: entry.encode(), as: UTF8.self)
        #expect(!text.contains("secret"))
        #expect(text.contains("note-sha256 " + Hex.encode(SHA256Hasher.hash(Array("secret source name".utf8)))))
    }

    @Test(arguments: ["", "a", " a", "a ", "  ", "\\", "\\n", "x\ny", "\r\t\u{0}", "\\x20", "é\u{301}", "\u{2028}"])
    func escapingIsCanonicalAndReversible(text: String) throws {
        let escaped = LogText.escape(text)
        #expect(!escaped.contains("\n") && !escaped.hasSuffix(" "))
        #expect(LogText.unescape(escaped).map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
    }

    @Test(arguments: ["\\q", "\\x4", "\\x41", "\\x0A", "\\x0a", "a ", "\\", "\u{1}"])
    func nonCanonicalEscapesAreRefused(escaped: String) {
        #expect(LogText.unescape(escaped) == nil)
    }

    @Test func alteredBytesAreRefused() throws {
        let good = String(decoding: try Self.received().encode(), as: UTF8.self)
        let variants = [
            good.replacingOccurrences(of: "v2", with: "v1"),
            good.replacingOccurrences(of: "v2", with: "v3"),
            good.replacingOccurrences(of: "file 12", with: "file 012"),
            good.replacingOccurrences(of: "file 12", with: "file +12"),
            good.replacingOccurrences(of: "kind received", with: "kind arrived"),
            good.replacingOccurrences(of: "submission 3\nfile 12", with: "file 12\nsubmission 3"),
            good.replacingOccurrences(of: "image/jpeg", with: "image/jpeg "),
            good.replacingOccurrences(of: Self.hashA, with: Self.hashA.uppercased()),
            good.replacingOccurrences(of: "T09:00Z", with: "T09:30Z"),
            good + "extra 1\n",
            String(good.dropLast()),
            good.replacingOccurrences(of: "\n", with: "\r\n"),
        ]
        for variant in variants {
            #expect(throws: LogEntryError.self, "accepted \(variant)") { try LogEntry(decoding: Array(variant.utf8)) }
        }
        #expect(throws: LogEntryError.malformed(line: 1, reason: "the bytes are not UTF-8")) { try LogEntry(decoding: [0xff, 0x0a]) }
    }

    @Test func invalidValuesAreRefusedWhenBuilt() {
        #expect(throws: LogEntryError.invalidValue(field: "note-sha256", value: "abc", expected: "a SHA-256 as 64 lowercase hex digits")) {
            try LogEntry.NoteAdded(fileID: 1, noteSHA256: "abc", actor: "ed", hour: "2026-11-25T11:00Z")
        }
        #expect(throws: LogEntryError.self) { try LogEntry.Exported(fileID: -1, actor: "ed", hour: "2026-11-25T11:00Z") }
        #expect(throws: LogEntryError.self) { try LogEntry.Exported(fileID: 1, actor: "", hour: "2026-11-25T11:00Z") }
        #expect(throws: LogEntryError.self) { try LogEntry.Exported(fileID: 1, actor: "ed", hour: "2026-11-25 11:00") }
    }
}
