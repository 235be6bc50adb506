import AsyncHTTPClient
import NIOCore

/// An object's bytes as they arrive, block by block; the network's back-pressure bounds what is held.
public struct S3ObjectBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    private let body: HTTPClientResponse.Body

    init(_ body: HTTPClientResponse.Body) {
        self.body = body
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(blocks: body.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var blocks: HTTPClientResponse.Body.AsyncIterator

        public mutating func next() async throws -> [UInt8]? {
            while let buffer = try await blocks.next() {
                if buffer.readableBytes > 0 { return Array(buffer.readableBytesView) }
            }
            return nil
        }
    }
}
