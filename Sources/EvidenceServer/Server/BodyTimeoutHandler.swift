import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request body stalls or crawls: no byte for `idle`, less than `minimumRate` bytes a
/// second over any `rateWindow`, or the body still unfinished after `total`. Without it a few hundred clients that
/// start an upload and then send a byte now and then would hold their places (and their spool files) for hours.
/// (Slow headers are cut by Hummingbird's idle timeout, which runs until a request head is complete.) An upload
/// body's pace also goes to `pace`, for the upload gate. A resumable upload cut this way keeps what arrived; the
/// client continues later.
final class BodyTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let idle: TimeAmount
    let total: TimeAmount
    let minimumRate: Int64
    let rateWindow: TimeAmount
    let pace: UploadPace?
    private var lastRead: NIODeadline = .now()
    private var started: NIODeadline = .now()
    private var windowStart: NIODeadline = .now()
    private var windowBytes: Int64 = 0
    private var check: Scheduled<Void>?
    /// The connection, while it sends an upload body that `pace` follows.
    private var paced: ObjectIdentifier?

    init(idle: TimeAmount, total: TimeAmount, minimumRate: Int64 = 0, rateWindow: TimeAmount = .seconds(60), pace: UploadPace? = nil) {
        self.idle = idle
        self.total = total
        self.minimumRate = minimumRate
        self.rateWindow = rateWindow
        self.pace = pace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            stop()
            started = .now()
            lastRead = started
            windowStart = started
            windowBytes = 0
            if let pace, UploadKind.of(method: head.method, path: head.path ?? "") != nil {
                let connection = ObjectIdentifier(context.channel)
                let channel = context.channel
                pace.begin(connection) { channel.close(promise: nil) }
                paced = connection
            }
            schedule(context)
        case .body(let buffer):
            lastRead = .now()
            windowBytes += Int64(buffer.readableBytes)
            if let paced { pace?.received(paced, bytes: buffer.readableBytes) }
        case .end:
            stopTimers()
            if let paced { pace?.complete(paced) }
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private func stopTimers() {
        check?.cancel()
        check = nil
    }

    private func stop() {
        stopTimers()
        if let paced { pace?.end(paced) }
        paced = nil
    }

    /// Checks again at the earliest deadline; a body that moved in the meantime pushes the idle one on, and each
    /// full window that brought enough bytes starts the next.
    private func schedule(_ context: ChannelHandlerContext) {
        check?.cancel()
        var deadline = min(lastRead + idle, started + total)
        if minimumRate > 0 { deadline = min(deadline, windowStart + rateWindow) }
        let loop = context.eventLoop.assumeIsolated()
        check = loop.scheduleTask(deadline: deadline) { [self] in
            check = nil
            let now = NIODeadline.now()
            if minimumRate > 0 && now >= windowStart + rateWindow {
                let required = minimumRate * rateWindow.nanoseconds / 1_000_000_000
                guard windowBytes >= required else {
                    context.close(promise: nil)
                    return
                }
                windowStart = now
                windowBytes = 0
            }
            if now >= lastRead + idle || now >= started + total {
                context.close(promise: nil)
            } else {
                schedule(context)
            }
        }
    }
}
