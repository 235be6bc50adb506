import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asks before a change to many files at once, e.g. "Approve 3 files (1, 2, 5)? [y/N]", on the terminal. `--yes`
/// answers for scripts; with neither a terminal nor `--yes` the command refuses rather than guess.
enum Confirmation {
    /// Returns when the reviewer answered y (or passed `--yes`); throws before anything is changed otherwise.
    static func ask(_ question: String, yes: Bool) throws {
        if yes { return }
        // Standard input is checked too: a script started from a terminal can still open /dev/tty, and must refuse
        // rather than wait there for an answer nobody is watching for.
        let tty = isatty(STDIN_FILENO) == 1 ? open("/dev/tty", O_RDWR) : -1
        guard tty >= 0 else {
            throw ReviewFailure(description: "there is no terminal to ask \"\(question)\"; pass --yes to confirm without asking (for scripts)")
        }
        defer { close(tty) }
        let prompt = "\(question) [y/N] "
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(tty, &byte, 1) == 1 && byte != 10 {
            line.append(byte)
        }
        let answer = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else { throw ReviewFailure(description: "not confirmed: nothing was changed") }
    }

    /// Ids as a question names them: "1, 2, 5", or the first ten and "and 40 more".
    static func list(_ ids: [Int64]) -> String {
        let shown = ids.prefix(10).map(String.init).joined(separator: ", ")
        return ids.count > 10 ? "\(shown) and \(ids.count - 10) more" : shown
    }
}
