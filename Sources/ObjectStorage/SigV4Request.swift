/// What SigV4 signs of a request: method, path, query, headers and the payload's hash.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as sent, already URI-encoded (`/examplebucket/test%24file.text`); `/` for the root.
    public var encodedPath: String
    /// Query parameters, not encoded; a parameter without value (`?uploads`) has the value "".
    public var query: [(name: String, value: String)]
    /// Every header to sign, `host` included; names in any case.
    public var headers: [(name: String, value: String)]
    /// Lower-case hex SHA-256 of the body, or `SigV4Signer.unsignedPayload`.
    public var payloadHash: String

    public init(
        method: String, encodedPath: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)], payloadHash: String
    ) {
        self.method = method
        self.encodedPath = encodedPath
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }
}
