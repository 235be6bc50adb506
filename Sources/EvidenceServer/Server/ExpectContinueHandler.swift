import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` at once. Hummingbird does not, and curl then waits a second before every
/// upload over 1 MB. A request whose Content-Length is over the limit gets no 100: the route refuses it first.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    let maxBodyBytes: Int64

    init(maxBodyBytes: Int64) {
        self.maxBodyBytes = maxBodyBytes
    }

    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            request.headerFields[.expect]?.lowercased() == "100-continue",
            (request.headerFields[.contentLength].flatMap { Int64($0) } ?? 0) <= maxBodyBytes
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
