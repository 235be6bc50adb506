import Hummingbird
import NIOCore

/// The request context: Hummingbird's basics plus the peer address, which exists only in memory, only for the
/// rate limiter's keyed hash, and is never logged or stored.
struct EvidenceRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The connection, to match an upload's place at the gate with its pace (`UploadPace`).
    let connection: ObjectIdentifier

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        connection = ObjectIdentifier(source.channel)
    }
}
