import Foundation

/// A value computed on a thread of its own while the caller goes on with other work; `value` waits for it.
/// For CPU-bound work that would otherwise leave cores idle while the caller does something serial.
final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Value?

    init(name: String, _ work: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let computed = work()
            condition.withLock {
                result = computed
                condition.broadcast()
            }
        }
        thread.name = name
        thread.start()
    }

    /// The value, once the thread has computed it.
    var value: Value {
        condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }
}
