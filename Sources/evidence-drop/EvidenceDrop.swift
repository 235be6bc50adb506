import ArgumentParser
import EvidenceCore
import Foundation

@main
struct EvidenceDrop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence-drop",
        abstract: "Anonymous evidence submission server.",
        subcommands: [ServeCommand.self, ScrubCommand.self, InitCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Exit codes of DESIGN.md: 0 success, 1 a check failed, 2 usage or input error.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // A command that has said everything already and only sets the status.
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // ArgumentParser's own usage errors get its full message; ours are one line.
            let text = code == .validationFailure ? fullMessage(for: error) : "evidence-drop: error: \(error)"
            FileHandle.standardError.write(Data((text + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure to tell the operator in one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// `--data`, shared by every command.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The data folder (default: $EVIDENCE_DATA or ./evidence-data).")
    var data: String?

    var folder: DataFolder { DataFolder(data ?? DataFolder.defaultPath()) }
}
