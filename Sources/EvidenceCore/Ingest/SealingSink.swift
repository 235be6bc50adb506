import EvidenceCrypto
import MediaScrub

/// Receives the scrubber's cleaned bytes: hashes them, seals them and writes the sealed bytes to a blob.
/// The cleaned plaintext exists only in memory, one block at a time.
final class SealingSink: ByteSink {
    private let hasher = SHA256Hasher()
    private let sealer: SealedFileWriter
    private let blob: any BlobWriter
    private(set) var size: Int64 = 0

    init(recipients: [X25519PublicKey], blob: any BlobWriter) throws {
        sealer = try SealedFileWriter(recipients: recipients)
        self.blob = blob
    }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        size += Int64(bytes.count)
        try bytes.withUnsafeBytes { raw in
            hasher.update(raw)
            let sealed = try sealer.update(raw)
            if !sealed.isEmpty { try blob.write(sealed) }
        }
    }

    /// Seals the last chunk, commits the blob (telling `announcing` its key first) and returns it with the cleaned SHA-256.
    func finish(announcing: (String) throws -> Void = { _ in }) throws -> (blob: StoredBlob, cleanedSHA256: String) {
        try blob.write(sealer.finish())
        return (try blob.commit(announcing: announcing), Hex.encode(hasher.finalize()))
    }
}
