import Foundation
import Testing

/// What `Scripts/demo.sh` prints for a person to try is run here as printed, against a server like the demo's.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"))
struct DemoStepsTests {
    @Test("the demo's printed steps work as printed: the photos sent as it says, then every review command exits 0")
    func printedStepsWork() async throws {
        let server = try TestServer()
        let script = try String(contentsOf: Paths.repository.appendingPathComponent("Scripts/demo.sh"), encoding: .utf8)
        let printed = try #require(script.components(separatedBy: "cat <<TXT\n").last?.components(separatedBy: "\nTXT\n").first)
        let send = try #require(printed.firstMatch(of: /\(or: (curl [^)]*)\)/).map { String($0.1) }, "no curl line in:\n\(printed)")
        let steps = try #require(printed.components(separatedBy: "in another terminal:\n").last?.components(separatedBy: "\n\n").first)
        // The folders and key the demo makes, and the photos its curl line names, here.
        let work = server.folder.path("work")
        let keys = server.folder.path("keys")
        for folder in [work, keys] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.copyItem(at: server.keyFile, to: keys.appendingPathComponent("reviewer.key"))
        for (name, corpus) in [("photo.jpg", EndToEndTests.gpsJPEG), ("other.jpg", EndToEndTests.cameraJPEG)] {
            try FileManager.default.copyItem(at: Paths.corpusFile(corpus), to: work.appendingPathComponent(name))
        }
        let (binaries, data, keyFolder) = (Paths.binaries.path, server.data.root.path, keys.path)
        @Sendable func filled(_ text: String, port: Int) -> String {
            text.replacingOccurrences(of: "$port", with: String(port))
                .replacingOccurrences(of: "$bin", with: binaries)
                .replacingOccurrences(of: "$data", with: data)
                .replacingOccurrences(of: "$key_dir", with: keyFolder)
                .replacingOccurrences(of: "$EVIDENCE_KEY_PASSPHRASE", with: TestServer.passphrase)
        }
        let sent = try await server.run { port in
            try await Subprocess.run("/bin/sh", ["-c", filled(send, port: port) + " -sS -H 'Accept: application/json'"], in: work)
        }
        #expect(sent.status == 0 && sent.stdoutText.contains("\"code\""), "\(sent.stdoutText) \(sent.stderr)")
        let commands = filled(steps, port: 0)
        let run = try await Subprocess.run("/bin/sh", ["-ec", commands], in: work)
        #expect(run.status == 0, "the printed steps failed:\n\(commands)\n\(run.stdoutText)\n\(run.stderr)")
        #expect(run.stdoutText.contains("OK"), "sha256sum -c checked the export: \(run.stdoutText)")
    }
}
