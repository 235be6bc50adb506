import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM starts a graceful shutdown (Hummingbird stops accepting and waits for requests in flight); this puts a
/// deadline on the wait, so a stuck upload cannot keep the process alive. Exiting mid-upload is safe: nothing is
/// recorded before its blob is durable and its transaction committed, and the next start clears the spool.
final class DrainDeadline: Sendable {
    let seconds: Int
    private nonisolated(unsafe) var source: (any DispatchSourceSignal)?

    init(seconds: Int) {
        self.seconds = seconds
    }

    func arm() {
        // A second dispatch source on SIGTERM, beside ServiceLifecycle's own: both are told. The default action
        // (terminate at once) must be off for dispatch sources to see the signal.
        signal(SIGTERM, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
        source.setEventHandler { [seconds] in
            FileHandle.standardError.write(Data("evidence-drop: SIGTERM: finishing uploads in flight for up to \(seconds) s\n".utf8))
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) {
                FileHandle.standardError.write(Data("evidence-drop: drain deadline passed; exiting\n".utf8))
                exit(0)
            }
        }
        source.resume()
        self.source = source
    }
}
