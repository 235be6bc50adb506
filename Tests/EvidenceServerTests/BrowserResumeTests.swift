import Foundation
import Testing

/// A large upload through submit.js survives a dropped connection: Tests/Browser/js_on_resume.py puts a proxy it
/// controls between Chromium and the server and cuts every connection mid-way; submit.js must ask the server's
/// offset and go on from there.
@Suite(
    .enabled(if: Paths.runsBrowserTests, "chromium-driver is not installed"),
    .serialized)
struct BrowserResumeTests {
    static let size = 200_000_000
    /// submit.js's PATCH size. Resuming sends again at most what was in flight at the cut: part of one chunk.
    static let chunk = 8 << 20

    @Test("with JavaScript on: a 200 MB upload cut mid-way resumes from the server's offset and arrives whole")
    func resumeAfterCut() async throws {
        // Retries race the cut for a while: up to three chunks may be sent again.
        try await Self.interruptedUpload(mode: "cut", size: Self.size, resent: 3 * Self.chunk)
    }

    @Test("with JavaScript on: the page reloaded mid-upload, the same file picked again, the upload goes on from the server's offset")
    func resumeAfterReload() async throws {
        // What reached the server before the reload is kept: at most the one chunk in flight is sent again
        // (a restart would send the 40 % before the reload again, 25 MB).
        try await Self.interruptedUpload(mode: "reload", size: 64_000_000, resent: Self.chunk)
    }

    /// Runs Tests/Browser/js_on_resume.py in `mode` on a WAV of `size` bytes and checks that the upload was resumed,
    /// not restarted (at most `resent` bytes sent twice), and that what was stored is the source, byte for byte.
    static func interruptedUpload(mode: String, size: Int, resent: Int) async throws {
        try FileManager.default.createDirectory(at: BrowserTests.screenshots, withIntermediateDirectories: true)
        let sources = try TestFolder()
        let source = sources.path("recording.wav")
        try Self.writeWAV(to: source, size: size)
        defer { try? FileManager.default.removeItem(at: source) }
        let expected = try await Subprocess.run("sha256sum", [source.path]).stdoutText.split(separator: " ").first.map(String.init)
        #expect(expected?.count == 64)

        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_resume.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", BrowserTests.screenshots.path, source.path, mode])
        }
        #expect(run.status == 0, "\(run.stdoutText) \(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]

        // The line was cut once, well inside the upload.
        let cutAt = result["cut_at"] as? Int ?? 0
        #expect((result["cuts"] as? Int ?? 0) >= 1, "no connection was cut: \(result)")
        #expect(cutAt > size / 5 && cutAt < size * 4 / 5, "cut at \(cutAt) of \(size)")
        // Resumed, not restarted. The slack covers the requests' headers and the form page.
        let forwarded = result["bytes_forwarded_to_server"] as? Int ?? .max
        #expect(forwarded < size + resent + (1 << 20), "\(forwarded) bytes went to the server for a \(size)-byte file")

        let line = result["file_progress"] as? String ?? ""
        #expect(line.contains("/s") && line.contains("left"), "the file's own progress line: \(line)")
        #expect((result["receipt_code"] as? String)?.count == 29)
        #expect(result["original_sha256"] as? String == expected, "the receipt's SHA-256 is not sha256sum's")
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        for name in ["progress-resume.png", "receipt-\(mode).png"] {
            #expect(FileManager.default.fileExists(atPath: BrowserTests.screenshots.appendingPathComponent(name).path))
        }

        // The stored record agrees (its sealed facts, opened with the key), and the partial upload is gone.
        let listed = try await server.review(["list", "--json", "--key", server.keyFile.path])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try JSONSerialization.jsonObject(with: listed.stdout) as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["original_sha256"] as? String == expected)
        #expect(rows.first?["original_size"] as? Int == size)
        #expect(rows.first?["cleaned_sha256"] as? String != expected, "the title tag was not removed")
        let partial = server.data.spool.appendingPathComponent("partial")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: partial.path))?.isEmpty ?? false, "a partial upload is left")
    }

    /// A WAV file of exactly `size` bytes (16-bit PCM, stereo, 48 kHz) whose samples are pseudo-random, written
    /// 1 MiB at a time so the test holds no more than that in memory.
    static func writeWAV(to url: URL, size: Int) throws {
        var header: [UInt8] = []
        func append(_ text: String) { header += Array(text.utf8) }
        func append32(_ value: Int) { header += withUnsafeBytes(of: UInt32(value).littleEndian, Array.init) }
        func append16(_ value: Int) { header += withUnsafeBytes(of: UInt16(value).littleEndian, Array.init) }
        append("RIFF"); append32(size - 8); append("WAVE")
        append("fmt "); append32(16); append16(1); append16(2); append32(48_000); append32(48_000 * 4); append16(4); append16(16)
        // A title tag for the server to remove, so the cleaned copy's SHA-256 differs from the original's and
        // the test can tell which of the two the receipt and the record call the original.
        append("LIST"); append32(24); append("INFO"); append("INAM"); append32(12); append("resume test\0")
        append("data"); append32(size - header.count - 4)  // the rest of the file, after this size field
        var left = size - header.count
        guard FileManager.default.createFile(atPath: url.path, contents: Data(header)) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        // xorshift64*: fast enough in a debug build, and the same bytes every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var words = [UInt64](repeating: 0, count: (1 << 20) / 8)
        while left > 0 {
            words.withUnsafeMutableBufferPointer { buffer in
                for index in buffer.indices {
                    state ^= state >> 12
                    state ^= state << 25
                    state ^= state >> 27
                    buffer[index] = state &* 0x2545_F491_4F6C_DD1D
                }
            }
            let piece = min(left, words.count * 8)
            try words.withUnsafeBytes { try handle.write(contentsOf: Data($0.prefix(piece))) }
            left -= piece
        }
    }
}
