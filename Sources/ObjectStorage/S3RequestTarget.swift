import Foundation

/// Where one request goes under the configured addressing style: the URL to connect to, the `Host` header and
/// the encoded path that SigV4 signs.
public struct S3RequestTarget: Sendable, Equatable {
    public let url: String
    public let host: String
    public let encodedPath: String

    /// `key` nil addresses the bucket itself; `query` is not encoded.
    public init(configuration: S3Configuration, key: String?, query: [(name: String, value: String)] = []) {
        let scheme = configuration.endpoint.scheme ?? "https"
        let endpointHost = configuration.endpoint.host ?? ""
        // The port belongs in Host only when it is not the scheme's default: that is what clients send and
        // what the server compares the signature against.
        let port = configuration.endpoint.port.flatMap { port -> String? in
            (scheme == "http" && port == 80) || (scheme == "https" && port == 443) ? nil : ":\(port)"
        } ?? ""
        let keyPath = key.map { "/" + S3URIEncoding.encodePath($0) } ?? ""

        switch configuration.addressingStyle {
        case .path:
            host = endpointHost + port
            encodedPath = "/" + S3URIEncoding.encode(configuration.bucket, keepingSlash: false) + keyPath
        case .virtualHost:
            host = configuration.bucket + "." + endpointHost + port
            encodedPath = keyPath.isEmpty ? "/" : keyPath
        }
        let queryString = query
            .map { $0.value.isEmpty ? S3URIEncoding.encode($0.name, keepingSlash: false)
                : S3URIEncoding.encode($0.name, keepingSlash: false) + "=" + S3URIEncoding.encode($0.value, keepingSlash: false) }
            .joined(separator: "&")
        url = "\(scheme)://\(host)\(encodedPath)" + (queryString.isEmpty ? "" : "?" + queryString)
    }
}
