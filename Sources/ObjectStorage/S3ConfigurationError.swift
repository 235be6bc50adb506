/// Why a configuration could not be read; the messages never repeat a secret key.
public enum S3ConfigurationError: Error, Equatable, CustomStringConvertible {
    case notAnS3URL
    case missingHost
    case missingBucket
    case missingCredentials
    case unknownParameter(String)
    case invalidScheme(String)
    case invalidStyle(String)
    case invalidEndpoint
    case missingVariable(String)

    public var description: String {
        switch self {
        case .notAnS3URL: "the object store must be given as s3://ACCESS:SECRET@HOST[:PORT]/BUCKET[?region=…&style=…&scheme=…]"
        case .missingHost: "the s3:// URL names no host"
        case .missingBucket: "the s3:// URL names no bucket: its path must be exactly one segment, /BUCKET"
        case .missingCredentials: "the s3:// URL has no ACCESS:SECRET@ part (percent-encode / + : @ in the secret)"
        case .unknownParameter(let name): "the s3:// URL has an unknown parameter \(name) (known: region, style, scheme)"
        case .invalidScheme(let value): "scheme=\(value) is neither http nor https"
        case .invalidStyle(let value): "style=\(value) is neither path nor virtualHost"
        case .invalidEndpoint: "the endpoint must be an http:// or https:// URL with a host and no path"
        case .missingVariable(let name): "the environment variable \(name) is not set"
        }
    }
}
