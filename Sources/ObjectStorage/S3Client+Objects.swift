import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension S3Client {
    /// Creates the configured bucket; a bucket this account already owns counts as created.
    public func createBucket() async throws {
        // Outside us-east-1, S3 wants the region named in the body.
        let body = configuration.region == "us-east-1" ? nil : ByteBuffer(
            string: "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<LocationConstraint>\(configuration.region)</LocationConstraint></CreateBucketConfiguration>")
        do {
            try await discardBody(send(.createBucket, .PUT, key: nil, body: body, expected: [200]))
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    /// Stores a small object with one PUT and returns its ETag.
    @discardableResult
    public func putObject(_ key: String, bytes: ByteBuffer) async throws -> String {
        let response = try await send(.putObject, .PUT, key: key, body: bytes, expected: [200])
        try await discardBody(response)
        return response.headers.first(name: "etag") ?? ""
    }

    /// The object's size in bytes, or nil when there is no such object.
    public func headObject(_ key: String) async throws -> Int64? {
        let response = try await send(.headObject, .HEAD, key: key, expected: [200, 404])
        try await discardBody(response)
        guard response.status == .ok else { return nil }
        guard let length = response.headers.first(name: "content-length").flatMap(Int64.init) else {
            throw S3Error.malformedAnswer(.headObject, "no Content-Length")
        }
        return length
    }

    /// Streams an object, or the bytes `range` of it (both ends included), as blocks as they arrive.
    /// A missing object throws `S3Error.refused` with status 404 and code `NoSuchKey`.
    public func getObject(_ key: String, range: ClosedRange<Int64>? = nil) async throws -> S3ObjectBody {
        let headers = range.map { [(name: "range", value: "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        // A ranged read must be answered as one (206): a 200 would be the whole object.
        let response = try await send(.getObject, .GET, key: key, headers: headers, expected: range == nil ? [200] : [206])
        return S3ObjectBody(response.body)
    }

    /// Deletes an object; deleting one that does not exist is not an error (S3 answers 204 either way).
    public func deleteObject(_ key: String) async throws {
        try await discardBody(send(.deleteObject, .DELETE, key: key, expected: [204, 200]))
    }
}
