import AsyncHTTPClient
import EvidenceCrypto
import Foundation
import NIOCore
import NIOHTTP1

/// An S3-compatible object store (AWS S3, Ceph RGW, SeaweedFS, MinIO) reached over AsyncHTTPClient, every request
/// signed with SigV4. Object operations address the configured bucket.
public struct S3Client: Sendable {
    public let configuration: S3Configuration
    private let signer: SigV4Signer
    private let httpClient: HTTPClient
    private let requestTimeout: TimeAmount

    /// `requestTimeout` bounds each request, its body included: a part upload or a ranged read, not a whole
    /// object.
    public init(configuration: S3Configuration, httpClient: HTTPClient = .shared, requestTimeout: TimeAmount = .minutes(5)) {
        self.configuration = configuration
        signer = SigV4Signer(
            accessKeyID: configuration.accessKeyID, secretAccessKey: configuration.secretAccessKey,
            region: configuration.region)
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
    }

    /// Sends one signed request and returns the answer when its status is one of `expected`; otherwise throws
    /// `S3Error.refused` with S3's error code. A body is hashed and the hash signed (it is in memory anyway).
    func send(
        _ operation: S3Operation, _ method: HTTPMethod, key: String?, query: [(name: String, value: String)] = [],
        headers extraHeaders: [(name: String, value: String)] = [], body: ByteBuffer? = nil, expected: Set<Int>
    ) async throws -> HTTPClientResponse {
        let target = S3RequestTarget(configuration: configuration, key: key, query: query)
        // PUT and POST always carry a body, empty if need be, so that Content-Length: 0 is sent.
        let sentBody = body ?? (method == .PUT || method == .POST ? ByteBuffer() : nil)
        let payloadHash = sentBody.map(Self.sha256Hex) ?? SigV4Signer.emptyPayloadHash
        let headers = [(name: "host", value: target.host)] + extraHeaders
        let signable = SigV4Request(
            method: method.rawValue, encodedPath: target.encodedPath, query: query, headers: headers,
            payloadHash: payloadHash)

        var request = HTTPClientRequest(url: target.url)
        request.method = method
        for header in headers + signer.signingHeaders(for: signable, at: SigV4Timestamp(Date())) {
            request.headers.add(name: header.name, value: header.value)
        }
        if let sentBody { request.body = .bytes(sentBody) }

        let response = try await httpClient.execute(request, timeout: requestTimeout)
        guard expected.contains(Int(response.status.code)) else {
            throw await refusal(operation, response)
        }
        return response
    }

    /// Reads an error answer's `<Error><Code>…<Message>…` when there is one.
    private func refusal(_ operation: S3Operation, _ response: HTTPClientResponse) async -> S3Error {
        let body = try? await response.body.collect(upTo: 64 * 1024)
        let error = body.flatMap { S3XMLElement.parse(Array($0.readableBytesView)) }.flatMap { $0.name == "Error" ? $0 : nil }
        return .refused(
            operation, status: Int(response.status.code), code: error?.text(of: "Code"),
            message: error?.text(of: "Message"))
    }

    /// Reads a success answer's XML body.
    func xmlAnswer(_ operation: S3Operation, _ response: HTTPClientResponse) async throws -> S3XMLElement {
        let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
        guard let document = S3XMLElement.parse(Array(body.readableBytesView)) else {
            throw S3Error.malformedAnswer(operation, "the answer is not XML")
        }
        // CompleteMultipartUpload may fail after its 200 OK has been sent: the error then comes in the body.
        if document.name == "Error" {
            throw S3Error.refused(
                operation, status: Int(response.status.code), code: document.text(of: "Code"),
                message: document.text(of: "Message"))
        }
        return document
    }

    /// Reads and drops an answer's body, so the connection can be reused.
    func discardBody(_ response: HTTPClientResponse) async throws {
        for try await _ in response.body {}
    }

    static func sha256Hex(_ buffer: ByteBuffer) -> String {
        let hasher = SHA256Hasher()
        buffer.withUnsafeReadableBytes { hasher.update($0) }
        return Hex.encode(hasher.finalize())
    }
}
