import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What one wait for input on the terminal brought.
enum TerminalInput: Equatable {
    case byte(UInt8)
    case timeout
    /// A signal arrived (the window was resized): redraw, then wait again.
    case interrupted
    /// The terminal is gone.
    case closed
}

/// The controlling terminal (/dev/tty) in raw mode, on the alternate screen, for the interactive review. The mode it
/// had is put back by `restore()`, and by a signal handler on SIGINT, SIGTERM, SIGHUP, SIGQUIT and a crash, so a
/// reviewer is never left with a terminal that does not echo.
final class RawTerminal {
    static let notATerminal = "review needs a terminal; for scripts use approve/reject/list"

    /// Whether the command runs in a terminal: both standard input and output must be one, so a script or a test
    /// harness that happens to have a controlling terminal is refused rather than taken over.
    static var isAvailable: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    private let fd: Int32
    private let saved: termios
    private var isRaw = false

    init() throws {
        fd = open("/dev/tty", O_RDWR | O_CLOEXEC)
        var mode = termios()
        guard fd >= 0, tcgetattr(fd, &mode) == 0 else {
            if fd >= 0 { close(fd) }
            throw ReviewFailure(description: Self.notATerminal)
        }
        saved = mode
        TerminalRescue.install(fd: fd, saved: mode)
        enterRawMode()
    }

    deinit {
        restore()
        TerminalRescue.uninstall()
        close(fd)
    }

    /// Puts the terminal back as it was: echo, line editing, the normal screen and a visible cursor. Idempotent.
    func restore() {
        guard isRaw else { return }
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        var mode = saved
        tcsetattr(fd, TCSAFLUSH, &mode)
        isRaw = false
        TerminalRescue.isRaw = 0
    }

    /// Runs `body` with the terminal as it was, for a program that may need it (a viewer), then takes it back.
    func suspended<Value>(_ body: () throws -> Value) rethrows -> Value {
        restore()
        TerminalRescue.isSuspended = 1
        defer {
            TerminalRescue.isSuspended = 0
            enterRawMode()
        }
        return try body()
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Columns and rows; 80×24 when the terminal does not say.
    var size: (columns: Int, rows: Int) {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// Waits up to `timeoutMilliseconds` (-1: for ever) for one byte.
    func read(timeoutMilliseconds: Int32) -> TerminalInput {
        var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        // poll is never restarted after a signal, so SIGWINCH wakes it and the screen is redrawn at the new size.
        let ready = poll(&waiting, 1, timeoutMilliseconds)
        if ready < 0 { return errno == EINTR ? .interrupted : .closed }
        if ready == 0 { return .timeout }
        var byte: UInt8 = 0
        switch Glibc.read(fd, &byte, 1) {
        case 1: return .byte(byte)
        case -1 where errno == EINTR: return .interrupted
        default: return .closed
        }
    }

    /// No echo, no line editing, no signals from keys (Ctrl-C arrives as a byte and quits the loop cleanly), no
    /// flow control; output processing stays on, so "\n" still starts a new line.
    private func enterRawMode() {
        var mode = saved
        mode.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        mode.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        mode.c_cflag |= tcflag_t(CS8)
        withUnsafeMutableBytes(of: &mode.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(fd, TCSAFLUSH, &mode)
        isRaw = true
        TerminalRescue.isRaw = 1
        write("\u{1B}[?1049h\u{1B}[?25l")
    }
}
