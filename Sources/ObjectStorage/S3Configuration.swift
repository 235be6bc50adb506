import Foundation

/// Where an S3-compatible store is and how to sign for it: endpoint, region, bucket, credentials, addressing.
public struct S3Configuration: Sendable, Equatable {
    /// The service's base URL, scheme, host and port only (`http://127.0.0.1:8333`, `https://s3.example.org`).
    public var endpoint: URL
    /// The signing region (`us-east-1` unless the service says otherwise; Ceph RGW and SeaweedFS accept it).
    public var region: String
    public var bucket: String
    public var accessKeyID: String
    public var secretAccessKey: String
    public var addressingStyle: S3AddressingStyle

    public init(
        endpoint: URL, region: String = "us-east-1", bucket: String, accessKeyID: String, secretAccessKey: String,
        addressingStyle: S3AddressingStyle = .path
    ) {
        self.endpoint = endpoint
        self.region = region
        self.bucket = bucket
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.addressingStyle = addressingStyle
    }
}

extension S3Configuration: CustomStringConvertible {
    /// Names the endpoint and bucket but never the secret key, so a configuration can be logged.
    public var description: String {
        "S3Configuration(endpoint: \(endpoint.absoluteString), region: \(region), bucket: \(bucket), "
            + "style: \(addressingStyle.rawValue))"
    }
}
