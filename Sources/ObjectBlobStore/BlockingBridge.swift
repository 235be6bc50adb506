import Dispatch

/// Runs one piece of async work to its end for a synchronous caller, which waits on a semaphore meanwhile.
///
/// The BlobStore API is synchronous and its callers run on threads that may block: the ingest pipeline on
/// NIOThreadPool threads, evidence-review on its main thread. Never call it from an async context: the waiting
/// thread would then be one of Swift's few cooperative threads, which the work itself needs to make progress.
enum BlockingBridge {
    static func wait<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let outcome = Outcome<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                outcome.result = .success(try await work())
            } catch {
                outcome.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        // The semaphore orders the task's write before this read.
        return try outcome.result!.get()
    }

    private final class Outcome<Value: Sendable>: @unchecked Sendable {
        var result: Result<Value, any Error>?
    }
}
