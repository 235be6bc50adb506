import Foundation

/// One run of `evidence-drop scrub` in a child process under GNU time: what cleaning one upload costs, measured
/// apart from the test process (whose own memory holds every other test's leftovers).
struct ScrubProcess {
    /// Whether the file was cleaned (exit status 0).
    let succeeded: Bool
    /// Standard output and standard error together: the report, or why the file was refused.
    let text: String
    let peakResidentBytes: Int
    let seconds: Double

    /// The built `evidence-drop`, beside the test binary (`swift build --build-tests` builds both).
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("evidence-drop")

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: binary.path) && FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    }

    /// Scrubs `input` into a new file beside it, which is removed afterwards.
    static func run(_ input: URL) throws -> ScrubProcess {
        let output = input.deletingLastPathComponent().appendingPathComponent("cleaned-" + input.lastPathComponent)
        let measurement = input.deletingLastPathComponent().appendingPathComponent("time-" + UUID().uuidString)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: measurement)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", measurement.path, binary.path, "scrub", input.path, output.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let start = ContinuousClock.now
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        // GNU time writes "Command exited with non-zero status N" first when the command failed; %M comes last.
        let lines = try String(contentsOf: measurement, encoding: .utf8).split(separator: "\n")
        let kibibytes = Int(lines.last ?? "") ?? 0
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ScrubProcess(succeeded: process.terminationStatus == 0, text: text, peakResidentBytes: kibibytes * 1024, seconds: seconds)
    }
}
