import Hummingbird
import NIOCore

/// The request context: Hummingbird's basics plus the peer address, which exists only in memory, only for the
/// rate limiter's keyed hash, and is never logged or stored.
struct EvidenceRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
