import NIOCore
import NIOHTTPTypes
import Synchronization

/// Keeps room for new connections below the server's cap: once fewer than `reserve` places are left, each new
/// connection closes the oldest one that is doing nothing (no request under way: a client idle between requests, or
/// one that has not finished sending a request head). Without it, clients that connect and wait, or reconnect as
/// soon as they are cut, fill the 1,024 places and every newcomer, `/healthz` included, waits in the listen backlog.
final class ConnectionReserve: Sendable {
    private struct Connection {
        let opened: NIODeadline
        var busy = false
        let close: @Sendable () -> Void
    }

    let capacity: Int
    let reserve: Int
    private let connections = Mutex<[ObjectIdentifier: Connection]>([:])

    init(capacity: Int, reserve: Int) {
        self.capacity = capacity
        self.reserve = reserve
    }

    /// A new connection; closes the oldest idle one when the reserve is reached.
    func opened(_ id: ObjectIdentifier, close: @escaping @Sendable () -> Void) {
        let idlest = connections.withLock { connections -> Connection? in
            connections[id] = Connection(opened: .now(), close: close)
            guard connections.count > capacity - reserve else { return nil }
            guard let oldest = connections.filter({ !$0.value.busy && $0.key != id }).min(by: { $0.value.opened < $1.value.opened })
            else { return nil }
            return connections.removeValue(forKey: oldest.key)
        }
        idlest?.close()
    }

    func setBusy(_ id: ObjectIdentifier, _ busy: Bool) {
        connections.withLock { $0[id]?.busy = busy }
    }

    func closed(_ id: ObjectIdentifier) {
        _ = connections.withLock { $0.removeValue(forKey: id) }
    }

    var count: Int { connections.withLock { $0.count } }
}

/// Tells the `ConnectionReserve` when its connection opens, starts a request, has answered it, and closes.
final class ConnectionReserveHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let reserve: ConnectionReserve
    private var id: ObjectIdentifier?

    init(reserve: ConnectionReserve) {
        self.reserve = reserve
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let id = ObjectIdentifier(channel)
        self.id = id
        reserve.opened(id) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let id { reserve.closed(id) }
        id = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id { reserve.closed(id) }
        id = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data), let id { reserve.setBusy(id, true) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), let id { reserve.setBusy(id, false) }
        context.write(data, promise: promise)
    }
}
