import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What standard output is connected to, and how to colour it. Colour only on a terminal, never with `NO_COLOR`
/// (https://no-color.org) or `TERM=dumb`, so scripts and pipes get plain text.
enum Terminal {
    static var isInteractive: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Decided once per process: `paint` asks for every cell of a table, and reading the environment each time was
    /// a quarter of `list`'s work on a large store.
    static let usesColour: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return isInteractive && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }()

    /// Columns available: the terminal's width, else `COLUMNS`, else 100.
    static var width: Int {
        var size = winsize()
        if isInteractive, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 100
    }

    enum Colour: String {
        case red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36", dim = "2", bold = "1"
    }

    /// `text` in `colour` when colour is on; `text` unchanged otherwise. `text` must already be safe (`SafeText`).
    static func paint(_ text: String, _ colour: Colour) -> String {
        usesColour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// The colour that says a status at a glance.
    static func colour(forStatus status: String) -> Colour {
        switch status {
        case "approved": .green
        case "rejected": .red
        case "purged": .dim
        default: .yellow
        }
    }
}
