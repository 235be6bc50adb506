import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Opens an exported file for the reviewer: with `$EVIDENCE_OPEN`, a shell command to which the file's path is added
/// as the last argument (`EVIDENCE_OPEN="feh -F"`), else with `xdg-open` when it is installed. The review waits for
/// the command, with the terminal handed back to it, so a viewer that draws in the terminal works too.
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
        if let command = ProcessInfo.processInfo.environment[environmentVariable], !command.isEmpty {
            name = environmentVariable
            // The path goes in as "$1", never spliced into the command text.
            arguments = ["/bin/sh", "-c", command + " \"$1\"", "evidence-open", file.path]
        } else if let xdgOpen = executableInPath("xdg-open") {
            name = "xdg-open"
            arguments = [xdgOpen, file.path]
        } else {
            return .noViewer
        }
        return terminal.suspended {
            switch run(arguments) {
            case nil: return .failed("\(name) could not be started")
            case 0: return .opened(by: name)
            case let status?: return .failed("\(name) failed (exit \(status))")
            }
        }
    }

    /// Runs `arguments` (the first an absolute path) and waits for that process alone: not through Foundation's
    /// `Process`, which waits until every descendant has closed a descriptor it hands down, so a viewer that
    /// `xdg-open` leaves running would hold the review until it is closed. Returns the exit status (128 + the signal
    /// when killed), or nil when the program could not be started.
    private static func run(_ arguments: [String]) -> Int32? {
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], nil, nil, argv, environ) == 0 else { return nil }
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
