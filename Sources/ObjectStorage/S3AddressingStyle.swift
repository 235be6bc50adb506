/// How the bucket appears in a request: in the path (`http://host/bucket/key`) or in the host name
/// (`http://bucket.host/key`).
public enum S3AddressingStyle: String, Sendable, Equatable {
    /// `http://host/bucket/key`: works with any host name, including an IP address; what SeaweedFS, Ceph RGW and
    /// MinIO answer by default.
    case path
    /// `http://bucket.host/key`: what AWS prefers; needs a DNS name (or wildcard) for each bucket.
    case virtualHost
}
