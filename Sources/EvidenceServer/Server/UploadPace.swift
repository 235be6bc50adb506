import NIOCore
import Synchronization

/// How fast each upload body in flight arrives, by connection, so that under pressure the upload gate can drop the
/// slowest instead of turning newcomers away (`UploadGate`). Filled by `BodyTimeoutHandler`; in memory only, with
/// no address.
final class UploadPace: Sendable {
    private struct Body {
        let started: NIODeadline
        var bytes: Int64
        /// The whole body has arrived: it is not crawling, and it waits for nothing but its turn.
        var complete = false
        let close: @Sendable () -> Void
    }

    private let bodies = Mutex<[ObjectIdentifier: Body]>([:])

    func begin(_ connection: ObjectIdentifier, close: @escaping @Sendable () -> Void) {
        bodies.withLock { $0[connection] = Body(started: .now(), bytes: 0, close: close) }
    }

    /// Measures from now: the body was let in to the upload gate (what came before, while it waited, does not count).
    func restart(_ connection: ObjectIdentifier) {
        bodies.withLock { bodies in
            if let body = bodies[connection] { bodies[connection] = Body(started: .now(), bytes: 0, complete: body.complete, close: body.close) }
        }
    }

    func received(_ connection: ObjectIdentifier, bytes: Int) {
        bodies.withLock { $0[connection]?.bytes += Int64(bytes) }
    }

    /// Body bytes from `connection` since it began or was let in; the most there can be once the body is complete.
    func received(by connection: ObjectIdentifier) -> Int64 {
        bodies.withLock { bodies in
            guard let body = bodies[connection] else { return 0 }
            return body.complete ? .max : body.bytes
        }
    }

    func complete(_ connection: ObjectIdentifier) {
        bodies.withLock { $0[connection]?.complete = true }
    }

    /// Forgets the connection (it closed).
    func end(_ connection: ObjectIdentifier) {
        _ = bodies.withLock { $0.removeValue(forKey: connection) }
    }

    /// Of `connections`, the one whose body has arrived slowest since it began, if that is below `rate` bytes a
    /// second and it began at least `grace` ago (a body just begun has had no time to show its pace).
    func slowest(of connections: some Sequence<ObjectIdentifier>, below rate: Int64, after grace: TimeAmount) -> ObjectIdentifier? {
        let now = NIODeadline.now()
        return bodies.withLock { bodies in
            var slowest: (connection: ObjectIdentifier, rate: Double)?
            for connection in connections {
                guard let body = bodies[connection], !body.complete else { continue }
                let age = now - body.started
                guard age >= grace else { continue }
                let pace = Double(body.bytes) / (Double(age.nanoseconds) / 1e9)
                if pace < Double(rate), pace < slowest?.rate ?? .infinity { slowest = (connection, pace) }
            }
            return slowest?.connection
        }
    }

    /// Closes the connection of an upload dropped for a newcomer.
    func drop(_ connection: ObjectIdentifier) {
        bodies.withLock { $0.removeValue(forKey: connection) }?.close()
    }
}
