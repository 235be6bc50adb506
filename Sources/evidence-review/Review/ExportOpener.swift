import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Opens an exported file for the reviewer: with `$EVIDENCE_OPEN`, a shell command to which the file's path is added
/// as the last argument (`EVIDENCE_OPEN="feh -F"`), else with `xdg-open` when it is installed. The review waits for
/// the command, with the terminal handed back to it, so a viewer that draws in the terminal works too. `xdg-open`
/// draws nothing there: what it and the programs it starts print goes to a file of its own, never onto the review's
/// screen or the shell's after the review ends, and the first line of it explains a failure on the status row.
enum ExportOpener {
    static let environmentVariable = "EVIDENCE_OPEN"

    enum Outcome {
        case opened(by: String)
        case failed(String)
        case noViewer
    }

    static func open(_ file: URL, on terminal: RawTerminal) -> Outcome {
        let name: String
        let arguments: [String]
        let output: CapturedOutput?
        if let command = ProcessInfo.processInfo.environment[environmentVariable], !command.isEmpty {
            name = environmentVariable
            // The path goes in as "$1", never spliced into the command text.
            arguments = ["/bin/sh", "-c", command + " \"$1\"", "evidence-open", file.path]
            output = nil
        } else if let xdgOpen = executableInPath("xdg-open") {
            name = "xdg-open"
            arguments = [xdgOpen, file.path]
            output = CapturedOutput()
        } else {
            return .noViewer
        }
        defer { output?.close() }
        return terminal.suspended {
            switch run(arguments, output: output) {
            case nil: return .failed("\(name) could not be started")
            case 0: return .opened(by: name)
            case let status?:
                let said = output?.firstLine().map { ": " + $0 } ?? ""
                return .failed("\(name) failed (exit \(status))\(said)")
            }
        }
    }

    /// An unnamed file (created and unlinked at once) that a child's stdout and stderr go to.
    final class CapturedOutput {
        let descriptor: Int32

        init?() {
            let path = NSTemporaryDirectory() + "evidence-open-\(UUID().uuidString)"
            descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { return nil }
            unlink(path)
        }

        /// The first line written, cut to a status row's length.
        func firstLine() -> String? {
            var bytes = [UInt8](repeating: 0, count: 300)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            guard count > 0 else { return nil }
            let line = String(decoding: bytes[..<count], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : trimmed
        }

        func close() {
            _ = Glibc.close(descriptor)
        }
    }

    /// Runs `arguments` (the first an absolute path) and waits for that process alone: not through Foundation's
    /// `Process`, which waits until every descendant has closed a descriptor it hands down, so a viewer that
    /// `xdg-open` leaves running would hold the review until it is closed. With `output`, the program's stdout and
    /// stderr go there. Returns the exit status (128 + the signal when killed), or nil when it could not be started.
    private static func run(_ arguments: [String], output: CapturedOutput?) -> Int32? {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output.descriptor, STDOUT_FILENO)
            posix_spawn_file_actions_adddup2(&actions, output.descriptor, STDERR_FILENO)
        }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return nil }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func executableInPath(_ name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
