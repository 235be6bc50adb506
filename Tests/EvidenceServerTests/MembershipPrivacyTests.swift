import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// Issue 20's property: whoever holds a submitted file (original or cleaned), seizes the server at rest and asks
/// every public endpoint cannot tell it from a file never submitted; the submitter, with the receipt, still can.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct MembershipPrivacyTests {
    /// One received file: where its original is, and what its receipt says of it.
    struct Received {
        let path: URL
        let file: ReceiptFile
    }

    /// Status and body of a GET or a form POST, 64-hex strings masked, so answers about different hashes compare.
    static func answer(_ arguments: [String]) async throws -> String {
        let result = try await Subprocess.run("curl", ["-sS", "-w", "\n%{http_code}"] + arguments)
        return result.stdoutText.replacingOccurrences(of: #"[0-9a-fA-F]{64}"#, with: "<hex>", options: .regularExpression)
    }

    /// Paths of `files` that hold any of `needles` (raw bytes, hex encoded here), searched by Python's bytes.find.
    static func filesHolding(_ needles: [[UInt8]], in files: [String]) async throws -> String {
        let program = """
            import sys
            needles = [bytes.fromhex(n) for n in sys.argv[1].split(",")]
            for path in sys.argv[2:]:
                with open(path, "rb") as f:
                    data = f.read()
                for n in needles:
                    if data.find(n) >= 0:
                        print(path, n[:12])
            """
        let result = try await Subprocess.run("python3", ["-c", program, needles.map(Hex.encode).joined(separator: ",")] + files)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdoutText
    }

    /// Every way a hash could be written down: hex in either case, the raw bytes, base64.
    static func encodings(of sha256: String) -> [[UInt8]] {
        let raw = Hex.decode(sha256)!
        return [Array(sha256.lowercased().utf8), Array(sha256.uppercased().utf8), raw,
                Array(Data(raw).base64EncodedString().utf8), Array(Data(raw).base64EncodedString().dropLast().utf8)]
    }

    @Test("neither the public endpoints, nor the data folder, temp folder, database or output tell a submitted file from another")
    func membershipIsPrivate() async throws {
        let store = try TestServer()
        let temporary = store.folder.path("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let server = try await ServerProcess(data: store.data.root, environment: ["TMPDIR": temporary.path])
        let base = "http://127.0.0.1:\(server.port)"
        let outputAtStart = server.text
        #expect(outputAtStart.contains("listening on"), "the summary is written at once: \(outputAtStart)")
        // Lines carry the hour at most: no time of day to the minute or second.
        #expect(outputAtStart.range(of: #"\d{2}:\d{2}:\d{2}|T\d{2}:[0-5][1-9]"#, options: .regularExpression) == nil, "\(outputAtStart)")

        // Five sound files whose sizes differ by a few bytes, and two photos, through the form.
        let sounds = try (0..<5).map { index in
            let url = try ServerLimitsTests.wav(in: store.folder, size: 3_000_000 + 4 * index)
            let named = store.folder.path("sound-\(index).wav")
            try FileManager.default.moveItem(at: url, to: named)
            return named
        }
        let photos = [Paths.corpusFile(EndToEndTests.gpsJPEG), Paths.corpusFile(EndToEndTests.textPNG)]
        var received: [Received] = []
        for batch in [photos, sounds] {
            let sent = try await Upload.send(port: server.port, files: batch)
            let receipt = try #require(sent.receipt, "\(sent.text)")
            received += zip(batch, receipt.files).map(Received.init)
        }
        // And one through tus: created, patched, then named by the form.
        let tusFile = try ServerLimitsTests.wav(in: store.folder, size: 2_000_000)
        let tus = ["-H", "Tus-Resumable: 1.0.0"]
        let created = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 2000000", "\(base)/uploads"])
        let location = try #require(TusTests.header("Location", in: created.headers))
        let patched = try await TusTests.curl(
            ["-X", "PATCH"] + tus + ["-H", "Expect:", "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: 0",
                                     "--data-binary", "@\(tusFile.path)", base + location])
        #expect(patched.status == 204)
        let form = try await Subprocess.run("curl", ["-sS", "-H", "Accept: application/json", "-F", "upload=\(base + location)", "\(base)/submissions"])
        let tusReceipt = try JSONDecoder().decode(Receipt.self, from: form.stdout)
        received.append(Received(path: tusFile, file: tusReceipt.files[0]))
        #expect(received.count == 8)
        // And one seized in between: sent in two PATCHes, complete, not yet named by the form.
        let pendingSize = 3_100_003
        let pendingFile = try ServerLimitsTests.wav(in: store.folder, size: pendingSize)
        let pending = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: \(pendingSize)", "\(base)/uploads"])
        let pendingLocation = try #require(TusTests.header("Location", in: pending.headers))
        let pendingBytes = try Data(contentsOf: pendingFile)
        for (offset, part) in [(0, pendingBytes.prefix(1_000_000)), (1_000_000, pendingBytes.dropFirst(1_000_000))] {
            let partFile = store.folder.path("pending-\(offset)")
            try part.write(to: partFile)
            let sent = try await TusTests.curl(
                ["-X", "PATCH"] + tus + ["-H", "Expect:", "-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: \(offset)",
                                         "--data-binary", "@\(partFile.path)", base + pendingLocation])
            #expect(sent.status == 204)
            try FileManager.default.removeItem(at: partFile)
        }

        // Every public answer about a received file's hash, or the file itself, is the answer about a random one.
        let random = Hex.encode(SecureRandom.bytes(count: 32))
        let randomFile = store.folder.path("random.bin")
        try Data(SecureRandom.bytes(count: 5000)).write(to: randomFile)
        let unknown = (
            verify: try await Self.answer(["\(base)/verify?sha256=\(random)"]),
            proof: try await Self.answer(["\(base)/log/proof?sha256=\(random)"]),
            typed: try await Self.answer(["-F", "sha256=\(random)", "\(base)/verify"]),
            upload: try await Self.answer(["-F", "file=@\(randomFile.path)", "\(base)/verify"]))
        #expect(unknown.proof.hasSuffix("404") && unknown.verify.hasSuffix("200"))
        for item in received {
            for sha in [item.file.originalSHA256, item.file.cleanedSHA256] {
                #expect(try await Self.answer(["\(base)/verify?sha256=\(sha)"]) == unknown.verify)
                #expect(try await Self.answer(["\(base)/log/proof?sha256=\(sha)"]) == unknown.proof)
                #expect(try await Self.answer(["-F", "sha256=\(sha)", "\(base)/verify"]) == unknown.typed)
                // With a wrong opening too: only the file's own opening finds it.
                #expect(try await Self.answer(["\(base)/log/proof?sha256=\(sha)&opening=\(random)"]) == unknown.proof)
            }
            #expect(try await Self.answer(["-F", "file=@\(item.path.path)", "\(base)/verify"]) == unknown.upload)
        }

        // The honest paths: the file with its receipt's opening, or the receipt itself, is found.
        let proved = try await Subprocess.run("curl", ["-sS", "\(base)/log/proof?sha256=\(received[0].file.originalSHA256)&opening=\(received[0].file.opening)"])
        let proof = try #require(try JSONSerialization.jsonObject(with: proved.stdout) as? [String: Any], "\(proved.stdoutText)")
        #expect(proof["leaf_index"] as? Int == received[0].file.logIndex)
        let byFile = try await Subprocess.run("curl", ["-sS", "-F", "file=@\(received[2].path.path)", "-F", "opening=\(received[2].file.opening)", "\(base)/verify"])
        #expect(byFile.stdoutText.contains("Found in the log"), "\(byFile.stdoutText)")
        let receiptFile = store.folder.path("receipt.json")
        try JSONEncoder().encode(tusReceipt).write(to: receiptFile)
        let byReceipt = try await Subprocess.run("curl", ["-sS", "-F", "receipt=@\(receiptFile.path)", "\(base)/verify"])
        #expect(byReceipt.stdoutText.contains("Found in the log") && !byReceipt.stdoutText.contains("Not found"), "\(byReceipt.stdoutText)")

        // Nothing was written per submission, upload, check or refusal.
        #expect(server.text == outputAtStart, "the output grew: \(server.text.dropFirst(outputAtStart.count))")

        // At rest: no hash of any received file, in any encoding, under the data folder or the temp folder, in the
        // database's dump, or in the output; and no database value is the exact size of a multi-megabyte file.
        let needles = received.flatMap { Self.encodings(of: $0.file.originalSHA256) + Self.encodings(of: $0.file.cleanedSHA256) }
        let dump = try await Subprocess.run("sqlite3", [store.data.database.path, ".dump"])
        #expect(dump.status == 0 && dump.stdoutText.contains("CREATE TABLE"), "\(dump.stderr)")
        let dumpFile = store.folder.path("dump.sql")
        try dump.stdout.write(to: dumpFile)
        let outputFile = store.folder.path("output.txt")
        try Data(server.text.utf8).write(to: outputFile)
        let places = regularFiles(under: store.data.root) + regularFiles(under: temporary) + [dumpFile.path, outputFile.path]
        let sizes = Set(received.flatMap { [$0.file.originalSize, $0.file.cleanedSize] }.filter { $0 >= 1_000_000 } + [Int64(pendingSize)])
        #expect(sizes.count >= 7)
        // Nor any multi-megabyte size written out in decimal, in a file or in a file's name.
        #expect(try await Self.filesHolding(needles + sizes.map { Array(String($0).utf8) }, in: places) == "")
        let named = places.filter { path in sizes.contains { path.contains(String($0)) } }
        #expect(named.isEmpty, "\(named)")
        let values = try await Subprocess.run("python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for row in db.execute('SELECT * FROM "%s"' % table):
                    for value in row:
                        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                            print(int(value))
            """, store.data.database.path])
        let stored = Set(values.stdoutText.split(separator: "\n").compactMap { Int64($0) })
        #expect(stored.intersection(sizes).isEmpty, "exact sizes in the database: \(stored.intersection(sizes))")

        // Five sound files a few bytes apart are stored under at most two sizes.
        let database = try EvidenceStore(url: store.data.database)
        let soundBlobs = try received.filter { sounds.contains($0.path) }.map { item -> Int64 in
            let (fileID, _) = try #require(try database.receivedLogIndex(sha256: item.file.originalSHA256, opening: item.file.opening))
            return try database.file(id: fileID).sealedSize
        }
        #expect(soundBlobs.count == 5 && Set(soundBlobs).count <= 2, "\(soundBlobs)")
        server.signal(SIGTERM)
        _ = try await server.waitForExit(seconds: 20)
    }
}
