import Foundation

/// Runs blocking work on a thread of its own and awaits its result: opening the store may wait for an S3 server,
/// which must not hold one of Swift's cooperative threads.
func onThreadOfItsOwn<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
