import NIOCore

/// Writes one object from blocks given in order, holding at most one part in memory: each part is uploaded
/// as soon as it fills, and `write` returns only then, so a fast producer waits for the network. An object
/// smaller than one part is stored with a single PUT by `finish()`.
///
/// Call `write`, `finish` and `abort` one at a time, each awaited before the next.
public actor S3ObjectWriter {
    /// S3's smallest part (except the last).
    public static let minimumPartSize = 5 * 1024 * 1024
    /// S3's largest part number.
    public static let maximumPartCount = 10_000

    public nonisolated let key: String
    private let client: S3Client
    private let partSize: Int
    private var buffer: ByteBuffer
    private var uploadID: String?
    private var parts: [S3CompletedPart] = []
    private var size: Int64 = 0
    private var isClosed = false

    /// `partSize` is at least 5 MiB; with S3's limit of 10,000 parts, 16 MiB parts allow objects up to 156 GiB.
    public init(client: S3Client, key: String, partSize: Int = 16 * 1024 * 1024) {
        precondition(partSize >= Self.minimumPartSize, "S3 parts are at least 5 MiB")
        self.client = client
        self.key = key
        self.partSize = partSize
        buffer = ByteBuffer()
    }

    /// The multipart upload's ID once the first part has gone, for a caller that records it to clean up after
    /// a crash.
    public var multipartUploadID: String? { uploadID }

    /// Bytes held, waiting for their part to fill: never a whole part, whatever the object's size.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Appends bytes to the object; uploads a part each time one fills.
    public func write(_ bytes: [UInt8]) async throws {
        try await write(bytes[...])
    }

    /// Appends bytes to the object; uploads a part each time one fills.
    public func write(_ bytes: ArraySlice<UInt8>) async throws {
        precondition(!isClosed, "S3ObjectWriter.write after finish() or abort()")
        var remaining = bytes
        while !remaining.isEmpty {
            if buffer.capacity < partSize { buffer.reserveCapacity(partSize) }
            let taken = remaining.prefix(partSize - buffer.readableBytes)
            buffer.writeBytes(taken)
            remaining = remaining.dropFirst(taken.count)
            size += Int64(taken.count)
            if buffer.readableBytes == partSize { try await uploadBufferedPart() }
        }
    }

    /// Stores what was written as the object and returns its size. On failure the multipart upload is
    /// aborted before the error is thrown.
    @discardableResult
    public func finish() async throws -> Int64 {
        precondition(!isClosed, "S3ObjectWriter.finish after finish() or abort()")
        isClosed = true
        defer { buffer = ByteBuffer() }
        guard let uploadID else {
            try await client.putObject(key, bytes: buffer)
            return size
        }
        do {
            if buffer.readableBytes > 0 { try await uploadBufferedPart() }
            try await client.completeMultipartUpload(key, uploadID: uploadID, parts: parts)
        } catch {
            try? await client.abortMultipartUpload(key, uploadID: uploadID)
            throw error
        }
        return size
    }

    /// Gives up the object. An upload the service does not hear the abort of stays until
    /// `S3Client.abortStaleMultipartUploads` removes it.
    public func abort() async {
        isClosed = true
        buffer = ByteBuffer()
        guard let uploadID else { return }
        try? await client.abortMultipartUpload(key, uploadID: uploadID)
    }

    private func uploadBufferedPart() async throws {
        let uploadID: String
        if let started = self.uploadID {
            uploadID = started
        } else {
            uploadID = try await client.createMultipartUpload(key)
            self.uploadID = uploadID
        }
        let partNumber = parts.count + 1
        guard partNumber <= Self.maximumPartCount else {
            throw S3ObjectWriterError.tooManyParts(partSize: partSize)
        }
        parts.append(try await client.uploadPart(key, uploadID: uploadID, partNumber: partNumber, bytes: buffer))
        // Once the request has let go of the bytes, clear() keeps their memory for the next part: no fresh
        // allocation per part for the allocator's per-thread arenas to hold on to.
        buffer.clear()
    }
}
