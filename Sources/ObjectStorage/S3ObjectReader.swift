/// Reads one object back as blocks, with a ranged GET for each `rangeSize` bytes in turn: a short request each,
/// so no request outlives its timeout however large the object, and memory stays bounded by the network's
/// back-pressure. Each range is checked to arrive whole.
public struct S3ObjectReader: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    public let key: String
    /// The object's size when it was opened.
    public let size: Int64
    private let client: S3Client
    private let rangeSize: Int64

    /// Opens an object for reading; nil when there is no such object.
    public static func open(client: S3Client, key: String, rangeSize: Int = 8 * 1024 * 1024) async throws -> S3ObjectReader? {
        precondition(rangeSize > 0)
        guard let size = try await client.headObject(key) else { return nil }
        return S3ObjectReader(key: key, size: size, client: client, rangeSize: Int64(rangeSize))
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(reader: self)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        private let reader: S3ObjectReader
        private var offset: Int64 = 0
        private var rangeEnd: Int64 = -1
        private var blocks: S3ObjectBody.AsyncIterator?

        init(reader: S3ObjectReader) {
            self.reader = reader
        }

        public mutating func next() async throws -> [UInt8]? {
            while true {
                if var current = blocks {
                    let block = try await current.next()
                    blocks = current
                    if let block {
                        offset += Int64(block.count)
                        guard offset <= rangeEnd + 1 else {
                            throw S3Error.malformedAnswer(.getObject, "more bytes than the range asked for")
                        }
                        return block
                    }
                    blocks = nil
                    guard offset == rangeEnd + 1 else {
                        throw S3Error.malformedAnswer(.getObject, "the range ended \(rangeEnd + 1 - offset) bytes short")
                    }
                }
                guard offset < reader.size else { return nil }
                rangeEnd = Swift.min(offset + reader.rangeSize, reader.size) - 1
                blocks = try await reader.client.getObject(reader.key, range: offset...rangeEnd).makeAsyncIterator()
            }
        }
    }
}
