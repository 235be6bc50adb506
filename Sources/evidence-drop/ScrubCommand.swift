import ArgumentParser
import EvidenceCore
import Foundation
import MediaScrub

struct ScrubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub",
        abstract: "Remove the metadata of one file, or of many files into a folder, and say what was removed.",
        discussion: """
            scrub INPUT OUTPUT                    cleans one file and prints what was removed.
            scrub --out-dir DIR FILE|FOLDER...    cleans every file, and every file in each folder (hidden files and \
            symbolic links passed over), into DIR on every core: a line per file, a progress line while it runs (on a \
            terminal) and a summary. A file that cannot be cleaned is listed with its reason and leaves nothing in \
            DIR; existing files in DIR are never replaced. Exit status 1 when any file was refused.

            Cleans: 
            """ + MediaType.allCases.map { "\($0.displayName) (.\($0.fileExtension))" }.joined(separator: ", ") + ".")

    @Option(name: .customLong("out-dir"), help: "Clean every FILE and FOLDER given into this folder.") var outputFolder: String?
    @Argument(help: "INPUT OUTPUT, or with --out-dir the files and folders to clean.") var paths: [String] = []

    func validate() throws {
        if outputFolder == nil && paths.count != 2 {
            throw ValidationError("give INPUT and OUTPUT, or --out-dir DIR and the files and folders to clean")
        }
        if outputFolder != nil && paths.isEmpty { throw ValidationError("give the files or folders to clean into --out-dir") }
    }

    func run() throws {
        if let outputFolder { return try runBatch(into: URL(fileURLWithPath: outputFolder)) }
        let (input, output) = (paths[0], paths[1])
        let outputURL = URL(fileURLWithPath: output)
        let sink = try FileByteSink(creating: outputURL)
        let report: RemovalReport
        do {
            report = try MediaScrubber.scrub(from: FileByteSource(URL(fileURLWithPath: input)), to: sink)
            try sink.close()
        } catch {
            try? FileManager.default.removeItem(at: outputURL)
            throw CommandFailure(description: "\(input): \(error)")
        }
        print("type: \(report.mediaType.displayName) (\(report.mediaType.mimeType))")
        if report.removed.isEmpty { print("removed: nothing") }
        for item in report.removed {
            print("removed: \(item.what)\(item.count > 1 ? " ×\(item.count)" : ""), \(item.bytes) bytes")
        }
        for item in report.added { print("kept: \(item)") }
        if let byte = report.keptAsReceivedAfter { print("damaged file: cleaned, kept as received after byte \(byte)") }
    }

    private func runBatch(into folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let batch = ScrubBatch(outputFolder: folder)
        let jobs = try batch.jobs(for: paths)
        let progress = ScrubProgress(total: jobs.count, onTerminal: isatty(STDERR_FILENO) == 1)
        let outcomes = batch.runAll(jobs) { index, outcome in progress.finished(jobs[index].relativeOutput, outcome) }
        progress.end()
        let refused = zip(jobs, outcomes).compactMap { job, outcome -> (String, String)? in
            if case .refused(let reason) = outcome { return (job.relativeOutput, reason) }
            return nil
        }
        print("cleaned \(jobs.count - refused.count) of \(jobs.count) files into \(folder.path)")
        if !refused.isEmpty {
            print("refused \(refused.count):")
            for (name, reason) in refused { print("  \(name): \(reason)") }
            throw ExitCode(1)
        }
    }
}

/// One line per finished file on standard output and, on a terminal, a progress line on standard error.
final class ScrubProgress: @unchecked Sendable {
    private let total: Int
    private let onTerminal: Bool
    private var done = 0
    private var refused = 0

    init(total: Int, onTerminal: Bool) {
        self.total = total
        self.onTerminal = onTerminal
    }

    /// Called by one worker at a time.
    func finished(_ name: String, _ outcome: ScrubBatch.Outcome) {
        done += 1
        var line: String
        switch outcome {
        case .cleaned(let report):
            let removed = report.removed.map { $0.count > 1 ? "\($0.what) ×\($0.count)" : $0.what }
            line = "cleaned  \(name)  (\(report.mediaType.displayName); removed: \(removed.isEmpty ? "nothing" : removed.joined(separator: ", "))"
            line += report.added.isEmpty ? "" : "; kept: \(report.added.joined(separator: ", "))"
            line += report.keptAsReceivedAfter.map { "; damaged file: kept as received after byte \($0))" } ?? ")"
        case .refused(let reason):
            refused += 1
            line = "refused  \(name)  \(reason)"
        }
        if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
        if onTerminal {
            FileHandle.standardError.write(Data("[\(done)/\(total)] cleaned \(done - refused), refused \(refused)".utf8))
        }
    }

    func end() {
        if onTerminal && done > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
