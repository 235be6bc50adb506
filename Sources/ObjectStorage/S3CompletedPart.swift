/// One uploaded part of a multipart upload, as CompleteMultipartUpload needs it.
public struct S3CompletedPart: Sendable, Equatable {
    /// 1 to 10,000, in upload order.
    public let partNumber: Int
    /// The part's ETag exactly as UploadPart returned it, quotes included.
    public let etag: String

    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}
