import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Marks a request that does not ask to keep its connection (HTTP/1.0 without `Connection: keep-alive`) with
/// `Connection: close`, which Hummingbird honours by closing once it has answered. The conversion to HTTP types drops
/// the version, so without this such a client's connection stayed open until the idle timeout (30 s), one of the
/// 1,024 places held by a client that had already gone.
final class KeepAliveMarker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data), !head.isKeepAlive else {
            context.fireChannelRead(data)
            return
        }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

/// Puts a `KeepAliveMarker` in front of the HTTP/1 conversion when the connection's pipeline is set up: Hummingbird
/// adds the server's own handlers only after it.
final class KeepAliveMarkerInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        guard let conversion = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        try? pipeline.addHandler(KeepAliveMarker(), position: .before(conversion))
    }
}
