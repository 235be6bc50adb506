import EvidenceCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on standard error for a long operation, redrawn in place: bar, done/total, speed and time left,
/// e.g. `exporting [#######.............]  120 MB/340 MB  31 MB/s  0:07 left`. Drawn only when standard error is a
/// terminal, so scripts and logs get no carriage returns; cleared by `finish()`, leaving the screen as it was.
///
///     let bar = ProgressBar(title: "granting", total: Int64(files.count), unit: .items("files"))
///     for file in files { try grant(file); bar.advance() }
///     bar.finish()
final class ProgressBar {
    /// What is counted: bytes (shown as kB, MB, …) or items with a plural name ("files").
    enum Unit {
        case bytes
        case items(String)
    }

    private let title: String
    private let total: Int64
    private let unit: Unit
    /// Draws the line made for the target's width.
    private let draw: ((Int) -> String) -> Void
    private let enabled: Bool
    private let onStandardError: Bool
    private let start = Date()
    private var done: Int64 = 0
    private var lastDrawn: Date?

    /// Redraws are at most this often: a redraw per 256 KiB block would flood a slow terminal.
    private static let redrawInterval: TimeInterval = 0.1

    /// A bar on standard error, when it is a terminal.
    init(title: String, total: Int64, unit: Unit) {
        self.title = title
        self.total = total
        self.unit = unit
        enabled = isatty(STDERR_FILENO) == 1
        onStandardError = true
        draw = { line in FileHandle.standardError.write(Data(("\r" + line(Self.width) + "\u{1B}[K").utf8)) }
    }

    /// A bar drawn by `draw`, given the line (e.g. on the review screen's status row); `finish()` leaves it to the caller.
    init(title: String, total: Int64, unit: Unit, width: @escaping () -> Int, draw: @escaping (String) -> Void) {
        self.title = title
        self.total = total
        self.unit = unit
        enabled = true
        onStandardError = false
        self.draw = { line in draw(line(width())) }
    }

    func advance(by amount: Int64 = 1) {
        done += amount
        guard enabled else { return }
        let now = Date()
        if let lastDrawn, now.timeIntervalSince(lastDrawn) < Self.redrawInterval, done < total { return }
        lastDrawn = now
        let (title, done, total, unit, elapsed) = (title, done, total, unit, now.timeIntervalSince(start))
        draw { width in Self.line(title: title, done: done, total: total, unit: unit, elapsed: elapsed, width: width) }
    }

    /// Clears the line; call it before printing the result.
    func finish() {
        if enabled, onStandardError, lastDrawn != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Columns of the terminal on standard error (the bar's terminal, which may not be standard output's).
    private static var width: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    // MARK: Formatting, as pure functions

    /// The whole line, shorter than `width` so it never wraps (a wrapped line cannot be redrawn with `\r`).
    static func line(title: String, done: Int64, total: Int64, unit: Unit, elapsed: TimeInterval, width: Int) -> String {
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let tail = "  \(amount(done: done, total: total, unit: unit))  \(speed(rate, unit: unit))  \(timeLeft(done: done, total: total, elapsed: elapsed))"
        let room = width - 1 - title.count - 3 - tail.count
        guard room >= 10 else { return String("\(title)\(tail)".prefix(max(0, width - 1))) }
        return "\(title) [\(bar(fraction: total > 0 ? Double(done) / Double(total) : 0, width: min(room, 20)))]\(tail)"
    }

    /// `width` cells, filled with `#` in proportion to `fraction` (clamped to 0…1).
    static func bar(fraction: Double, width: Int) -> String {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        return String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    }

    /// "120 MB/340 MB" or "3/10 files".
    static func amount(done: Int64, total: Int64, unit: Unit) -> String {
        switch unit {
        case .bytes: "\(ByteCountText.format(done))/\(ByteCountText.format(total))"
        case .items(let name): "\(done)/\(total) \(name)"
        }
    }

    /// "31 MB/s", "12 files/s", "0.5 files/s"; "–/s" before anything is done.
    static func speed(_ perSecond: Double, unit: Unit) -> String {
        guard perSecond > 0, perSecond.isFinite else { return "–/s" }
        switch unit {
        case .bytes:
            return "\(ByteCountText.format(Int64(perSecond)))/s"
        case .items(let name):
            let number = perSecond < 10 ? String(format: "%.1f", perSecond) : String(Int(perSecond.rounded()))
            return "\(number) \(name)/s"
        }
    }

    /// The time left at the average speed so far, as "0:07 left" or "1:02:05 left"; "– left" while it cannot be
    /// told (nothing done yet).
    static func timeLeft(done: Int64, total: Int64, elapsed: TimeInterval) -> String {
        guard done > 0, elapsed > 0 else { return "– left" }
        let seconds = Int((Double(max(total - done, 0)) * elapsed / Double(done)).rounded(.up))
        return "\(clock(seconds)) left"
    }

    /// "m:ss", or "h:mm:ss" from an hour on.
    static func clock(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        return hours > 0 ? String(format: "%ld:%02ld:%02ld", hours, minutes, rest) : String(format: "%ld:%02ld", minutes, rest)
    }
}
