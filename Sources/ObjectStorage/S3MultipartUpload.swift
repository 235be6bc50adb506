import Foundation

/// A multipart upload that was started and neither completed nor aborted, as ListMultipartUploads names it.
public struct S3MultipartUpload: Sendable, Equatable {
    public let key: String
    public let uploadID: String
    /// When it was started, if the service said (S3 gives ISO 8601 with fractional seconds).
    public let initiated: Date?

    public init(key: String, uploadID: String, initiated: Date?) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}
