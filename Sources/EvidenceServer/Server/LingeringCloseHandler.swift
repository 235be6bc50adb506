import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Reads and drops the rest of a request body after an early answer to a `Connection: close` request, then closes.
///
/// Hummingbird answers such a request (413 by Content-Length, a tus offset conflict, a form that is not multipart),
/// shuts its side of the connection and stops reading. Many clients send their whole body before they read the
/// answer; with nobody reading, their send blocks, they never see the answer, and both sides wait for the idle
/// timeout (30 s). So, as nginx does ("lingering close"), the rest of the body is read and dropped, and the
/// connection closed when it ends, when the client goes quiet for `idle`, or after `total` whatever happens.
final class LingeringCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let idle: TimeAmount
    let total: TimeAmount
    private var requestUnfinished = false
    private var lingering = false
    private var lastRead: NIODeadline = .now()
    private var started: NIODeadline = .now()
    private var check: Scheduled<Void>?

    init(idle: TimeAmount = .seconds(5), total: TimeAmount = .seconds(30)) {
        self.idle = idle
        self.total = total
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard !lingering else {
            // The answer is written: what still comes is dropped, and its end closes the connection.
            lastRead = .now()
            if case .end = part { context.close(promise: nil) }
            return
        }
        switch part {
        case .head: requestUnfinished = true
        case .body: break
        case .end: requestUnfinished = false
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Nobody above reads any more, so nothing above asks for more bytes: ask here.
        if lingering { context.read() }
        context.fireChannelReadComplete()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        context.close(mode: mode, promise: promise)
        guard mode == .output, requestUnfinished, !lingering, context.channel.isActive else { return }
        lingering = true
        started = .now()
        lastRead = started
        schedule(context)
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelCheck()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelCheck()
    }

    private func cancelCheck() {
        check?.cancel()
        check = nil
    }

    private func schedule(_ context: ChannelHandlerContext) {
        let deadline = min(lastRead + idle, started + total)
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
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
