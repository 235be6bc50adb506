import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// The containers people send besides phone files: a screen recording (Matroska), a browser recording (WebM) and a
/// dashcam clip (AVI), sent through the form, cleaned on the way in and exported clean.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg"), "ffmpeg not installed"), .serialized)
struct NewContainersServerTests {
    static func make(_ url: URL, _ arguments: [String]) async throws {
        let made = try await Subprocess.run("/usr/bin/ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=1:size=64x48:rate=5",
                                                                 "-f", "lavfi", "-i", "sine=duration=1"] + arguments
            + ["-metadata", "title=MARKERtitle", "-metadata", "artist=MARKERartist", url.path])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Data(contentsOf: url).range(of: Data("MARKER".utf8)) != nil, "the tags are in the file sent")
    }

    @Test("an MKV, a WebM and an AVI are accepted, named on the receipt, and exported without their tags")
    func matroskaWebMAndAVI() async throws {
        let server = try TestServer()
        let mkv = server.folder.path("screen.mkv")
        let webm = server.folder.path("browser.webm")
        let avi = server.folder.path("dashcam.avi")
        try await Self.make(mkv, ["-c:v", "mjpeg", "-c:a", "pcm_s16le"])
        try await Self.make(webm, ["-c:v", "libvpx", "-c:a", "libopus"])
        try await Self.make(avi, ["-c:v", "mjpeg", "-c:a", "pcm_s16le"])
        let answer = try await server.run { port in try await Upload.send(port: port, files: [mkv, webm, avi]) }
        #expect(answer.status == 201, "\(answer.text)")
        let receipt = try #require(answer.receipt)
        #expect(receipt.files.map(\.type) == ["video/x-matroska", "video/webm", "video/x-msvideo"])
        #expect(receipt.files.allSatisfy { !$0.removed.isEmpty }, "\(receipt.files.map(\.removed))")

        let exportFolder = server.folder.path("export")
        for id in 1...3 {
            let exported = try await server.review(["export", "\(id)", "--key", server.keyFile.path, "--to", exportFolder.path])
            #expect(exported.status == 0, "\(exported.stderr)")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: exportFolder.path).filter { !$0.hasSuffix(".sha256") && !$0.hasSuffix(".json") }.sorted()
        #expect(names == ["1.mkv", "2.webm", "3.avi"], "\(names)")
        for (name, file) in zip(names, receipt.files) {
            let bytes = try Data(contentsOf: exportFolder.appendingPathComponent(name))
            #expect(Hex.encode(SHA256Hasher.hash([UInt8](bytes))) == file.cleanedSHA256)
            #expect(bytes.range(of: Data("MARKER".utf8)) == nil, "\(name) keeps a tag")
        }
        let listing = try await Subprocess.run("exiftool", ["-a", "-u", "-G1", "-ee"] + names.map { exportFolder.appendingPathComponent($0).path })
        #expect(!listing.stdoutText.contains("MARKER"), "\(listing.stdoutText)")
    }
}
