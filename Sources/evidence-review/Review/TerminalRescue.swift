#if canImport(Glibc)
import Glibc
#endif

/// Puts the terminal back when the review is ended by a signal rather than by `q`. A signal handler may only touch
/// plain memory and call async-signal-safe functions, so what it needs is copied here beforehand.
enum TerminalRescue {
    /// Signals that end the process: each restores the terminal, then takes the course it had before (the default
    /// exit or core, or the Swift runtime's crash report).
    static let fatalSignals = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGILL, SIGTRAP, SIGSEGV, SIGBUS]

    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    /// 1 while the terminal is in raw mode.
    nonisolated(unsafe) static var isRaw: sig_atomic_t = 0
    /// 1 while a viewer runs in the terminal: Ctrl-C and Ctrl-\ are then for the viewer, not for the review.
    nonisolated(unsafe) static var isSuspended: sig_atomic_t = 0
    static let showScreen: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)
    /// The handlers there were before, by signal number (all those handled here are below 32).
    nonisolated(unsafe) static var previous: [sigaction] = Array(repeating: sigaction(), count: 32)

    static func install(fd: Int32, saved: termios) {
        Self.fd = fd
        Self.saved = saved
        for number in fatalSignals + [SIGWINCH] { sigaction(number, nil, &previous[Int(number)]) }
        for number in fatalSignals { signal(number, rescue) }
        // Only so that a resize interrupts the wait for a key; the handler itself has nothing to do.
        signal(SIGWINCH, ignoreSignal)
        // A process inherits its parent's blocked signals; a parent that blocked these would leave the terminal
        // raw on SIGTERM and the screen stale on a resize.
        var handled = sigset_t()
        sigemptyset(&handled)
        for number in fatalSignals + [SIGWINCH] { sigaddset(&handled, number) }
        sigprocmask(SIG_UNBLOCK, &handled, nil)
    }

    static func uninstall() {
        for number in fatalSignals + [SIGWINCH] { sigaction(number, &previous[Int(number)], nil) }
        fd = -1
    }
}

private func ignoreSignal(_ number: Int32) {}

private func rescue(_ number: Int32) {
    if TerminalRescue.isSuspended == 1 && (number == SIGINT || number == SIGQUIT) { return }
    if TerminalRescue.isRaw == 1 && TerminalRescue.fd >= 0 {
        _ = TerminalRescue.showScreen.withUnsafeBytes { write(TerminalRescue.fd, $0.baseAddress, $0.count) }
        var mode = TerminalRescue.saved
        tcsetattr(TerminalRescue.fd, TCSANOW, &mode)
    }
    sigaction(number, &TerminalRescue.previous[Int(number)], nil)
    raise(number)
}
