import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body stalls: no byte for `idle`, or the body still unfinished after
/// `total`. Without it a few hundred clients that start an upload and then stop sending would hold their places
/// (and their spool files) forever. (Slow headers are cut by Hummingbird's idle timeout, which runs until a
/// request head is complete.) A resumable upload cut this way keeps what arrived; the client continues later.
final class BodyTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let idle: TimeAmount
    let total: TimeAmount
    private var lastRead: NIODeadline = .now()
    private var started: NIODeadline = .now()
    private var check: Scheduled<Void>?

    init(idle: TimeAmount, total: TimeAmount) {
        self.idle = idle
        self.total = total
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            started = .now()
            lastRead = started
            schedule(context)
        case .body:
            lastRead = .now()
        case .end:
            check?.cancel()
            check = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    /// Checks again at the earlier of the two deadlines; a body that moved in the meantime pushes it on.
    private func schedule(_ context: ChannelHandlerContext) {
        check?.cancel()
        let deadline = min(lastRead + idle, started + total)
        let loop = context.eventLoop.assumeIsolated()
        check = loop.scheduleTask(deadline: deadline) { [self] in
            check = nil
            let now = NIODeadline.now()
            if now >= lastRead + idle || now >= started + total {
                context.close(promise: nil)
            } else {
                schedule(context)
            }
        }
    }
}
