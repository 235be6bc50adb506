import EvidenceCore
import NIOPosix
import ServiceLifecycle

/// Removes abandoned resumable uploads past their age while the server runs, so a quiet server does not keep them
/// until the next upload or restart. (An expired upload is also refused as soon as anyone names it.)
struct PartialUploadSweeper: Service {
    let partials: PartialUploads
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: interval)
                    _ = try await NIOThreadPool.singleton.runIfActive { partials.removeExpired() }
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: nothing to finish.
        }
    }
}
