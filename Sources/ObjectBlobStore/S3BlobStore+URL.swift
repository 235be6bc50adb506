import ObjectStorage

extension S3BlobStore {
    /// The store an `s3://ACCESS:SECRET@HOST[:PORT]/BUCKET[?region=…&style=…&scheme=…]` URL names (the form of
    /// `S3Configuration(s3URL:)`), with the default prefix and part size. Errors never repeat the secret.
    public init(s3URL: String) throws {
        self.init(client: S3Client(configuration: try S3Configuration(s3URL: s3URL)))
    }
}
