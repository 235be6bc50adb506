import EvidenceCrypto
import MediaScrub

/// Receives the scrubber's cleaned bytes: hashes them, seals them and writes the sealed bytes to a blob.
/// The cleaned plaintext exists only in memory, a few blocks at a time. With `inBackground` (for large files) the
/// sealing and writing run on a second thread while the caller produces the next blocks.
final class SealingSink: ByteSink {
    private let hasher = SHA256Hasher()
    private let sealing: Sealing
    private let queue: BackgroundBlockQueue?
    private(set) var size: Int64 = 0

    init(recipients: [X25519PublicKey], blob: any BlobWriter, inBackground: Bool = false) throws {
        let sealing = Sealing(sealer: try SealedFileWriter(recipients: recipients), blob: blob)
        self.sealing = sealing
        queue = inBackground ? BackgroundBlockQueue { try sealing.seal($0) } : nil
    }

    deinit { queue?.cancel() }

    /// Stops the sealing thread, dropping what it has not sealed; for a caller that gives up on this blob.
    func cancel() {
        queue?.cancel()
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        size += Int64(bytes.count)
        bytes.withUnsafeBytes { hasher.update($0) }
        if let queue {
            try queue.submit(Array(bytes))
        } else {
            try bytes.withUnsafeBytes { try sealing.seal($0) }
        }
    }

    /// Seals the last chunk, commits the blob (telling `announcing` its key first) and returns it with the cleaned SHA-256.
    func finish(announcing: (String) throws -> Void = { _ in }) throws -> (blob: StoredBlob, cleanedSHA256: String) {
        try queue?.finish()
        try sealing.blob.write(sealing.sealer.finish())
        return (try sealing.blob.commit(announcing: announcing), Hex.encode(hasher.finalize()))
    }
}

/// The sealer and the blob it writes to. Used by one thread at a time: the sealing thread until
/// `BackgroundBlockQueue.finish` returns, the caller after.
private final class Sealing: @unchecked Sendable {
    let sealer: SealedFileWriter
    let blob: any BlobWriter

    init(sealer: SealedFileWriter, blob: any BlobWriter) {
        self.sealer = sealer
        self.blob = blob
    }

    func seal(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try seal($0) }
    }

    func seal(_ bytes: UnsafeRawBufferPointer) throws {
        let sealed = try sealer.update(bytes)
        if !sealed.isEmpty { try blob.write(sealed) }
    }
}
