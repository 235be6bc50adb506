import EvidenceCrypto

/// AWS Signature Version 4 for S3, header form: canonical request → string to sign → HMAC-SHA256 under a key
/// derived from the secret, the date, the region and the service.
public struct SigV4Signer: Sendable {
    /// The `x-amz-content-sha256` value for a body that is streamed and not hashed before sending.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty body, for requests without one.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let accessKeyID: String
    private let secretAccessKey: String
    public let region: String
    public let service: String

    public init(accessKeyID: String, secretAccessKey: String, region: String, service: String = "s3") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// The headers to add to the request: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    public func signingHeaders(for request: SigV4Request, at timestamp: SigV4Timestamp) -> [(name: String, value: String)] {
        var signed = request
        signed.headers.removeAll { ["x-amz-date", "x-amz-content-sha256"].contains($0.name.lowercased()) }
        signed.headers.append(("x-amz-date", timestamp.amzDate))
        signed.headers.append(("x-amz-content-sha256", request.payloadHash))
        return [
            ("x-amz-date", timestamp.amzDate),
            ("x-amz-content-sha256", request.payloadHash),
            ("Authorization", authorization(for: signed, at: timestamp)),
        ]
    }

    /// The `Authorization` header value for a request whose headers already include `x-amz-date` and
    /// `x-amz-content-sha256`.
    public func authorization(for request: SigV4Request, at timestamp: SigV4Timestamp) -> String {
        let canonical = canonicalRequest(for: request)
        let signature = Hex.encode(
            HMACSHA256.authenticationCode(
                key: signingKey(dateStamp: timestamp.dateStamp),
                message: Array(stringToSign(canonicalRequest: canonical.text, at: timestamp).utf8)))
        return "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope(timestamp.dateStamp)),"
            + "SignedHeaders=\(canonical.signedHeaders),Signature=\(signature)"
    }

    /// The canonical request and its `SignedHeaders` list (lower-case names, sorted, `;`-separated).
    public func canonicalRequest(for request: SigV4Request) -> (text: String, signedHeaders: String) {
        let encodedQuery: [(name: String, value: String)] = request.query.map { parameter in
            (S3URIEncoding.encode(parameter.name, keepingSlash: false), S3URIEncoding.encode(parameter.value, keepingSlash: false))
        }
        let query = encodedQuery
            .sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
        // Headers sent twice are signed once, their values joined by commas.
        var headers: [String: [String]] = [:]
        for header in request.headers {
            headers[header.name.lowercased(), default: []].append(canonicalHeaderValue(header.value))
        }
        let names = headers.keys.sorted()
        let canonicalHeaders = names.map { name in "\(name):\(headers[name, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method, request.encodedPath.isEmpty ? "/" : request.encodedPath, query, canonicalHeaders,
            signedHeaders, request.payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    public func stringToSign(canonicalRequest: String, at timestamp: SigV4Timestamp) -> String {
        [
            "AWS4-HMAC-SHA256", timestamp.amzDate, scope(timestamp.dateStamp),
            Hex.encode(SHA256Hasher.hash(Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// HMAC("AWS4" + secret, date) → region → service → "aws4_request".
    func signingKey(dateStamp: String) -> [UInt8] {
        var key = Array("AWS4\(secretAccessKey)".utf8)
        for part in [dateStamp, region, service, "aws4_request"] {
            key = HMACSHA256.authenticationCode(key: key, message: Array(part.utf8))
        }
        return key
    }

    private func scope(_ dateStamp: String) -> String {
        "\(dateStamp)/\(region)/\(service)/aws4_request"
    }

    /// Trimmed, with runs of spaces inside collapsed to one.
    private func canonicalHeaderValue(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
