import Foundation

extension S3Configuration {
    /// Reads the one-line form used in configuration files and environment variables:
    ///
    ///     s3://ACCESS:SECRET@HOST[:PORT]/BUCKET[?region=REGION&style=path|virtualHost&scheme=http|https]
    ///
    /// `region` defaults to us-east-1, `style` to path and `scheme` to https. The access key and secret are
    /// percent-decoded, so a secret holding `/`, `+`, `:` or `@` is written with `%2F`, `%2B`, `%3A`, `%40`.
    public init(s3URL: String) throws {
        guard let components = URLComponents(string: s3URL), components.scheme?.lowercased() == "s3" else {
            throw S3ConfigurationError.notAnS3URL
        }
        guard let host = components.host, !host.isEmpty else { throw S3ConfigurationError.missingHost }
        guard let accessKeyID = components.user, !accessKeyID.isEmpty,
            let secretAccessKey = components.password, !secretAccessKey.isEmpty
        else { throw S3ConfigurationError.missingCredentials }
        let segments = components.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.count == 1, let bucket = segments.first, !bucket.isEmpty else {
            throw S3ConfigurationError.missingBucket
        }

        var region = "us-east-1"
        var style = S3AddressingStyle.path
        var scheme = "https"
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "region": region = value
            case "style":
                guard let parsed = S3AddressingStyle(rawValue: value) else { throw S3ConfigurationError.invalidStyle(value) }
                style = parsed
            case "scheme":
                guard value == "http" || value == "https" else { throw S3ConfigurationError.invalidScheme(value) }
                scheme = value
            default: throw S3ConfigurationError.unknownParameter(item.name)
            }
        }

        var endpoint = URLComponents()
        endpoint.scheme = scheme
        endpoint.host = host
        endpoint.port = components.port
        guard let endpointURL = endpoint.url else { throw S3ConfigurationError.invalidEndpoint }
        self.init(
            endpoint: endpointURL, region: region, bucket: String(bucket), accessKeyID: accessKeyID,
            secretAccessKey: secretAccessKey, addressingStyle: style)
    }
}
