import EvidenceCrypto
import MediaScrub

/// Receives the scrubber's cleaned bytes: hashes them, seals them and writes the sealed bytes to a blob.
/// The cleaned plaintext exists only in memory, a few blocks at a time. With `inBackground` (for large files) the
/// sealing and writing run on a second thread while the caller produces the next blocks, or only the writing, when
/// the blob writes on a thread of its own (`BlobStore.makeWriter(writingInBackground:)`).
final class SealingSink: ByteSink {
    private let hasher = SHA256Hasher()
    private let sealing: Sealing
    private let queue: BackgroundBlockQueue?
    private(set) var size: Int64 = 0
    /// Whether `replay` can read back what was sealed.
    let canReplay: Bool

    /// With `withholdingHeader`, a blob that can (`RereadableBlobWriter`) gets the sealed file's header only at
    /// commit: given up before, its bytes can never be opened, and `replay` can read them back.
    init(recipients: [X25519PublicKey], blob: any BlobWriter, inBackground: Bool = false, withholdingHeader: Bool = false) throws {
        let sealer = try SealedFileWriter(recipients: recipients)
        if withholdingHeader, let rereadable = blob as? any RereadableBlobWriter {
            try rereadable.withhold(prefix: sealer.takeHeader())
            canReplay = true
        } else {
            canReplay = false
        }
        let sealing = Sealing(sealer: sealer, blob: blob)
        self.sealing = sealing
        // A blob that writes on its own thread leaves this one the sealing; otherwise sealing and writing go to one.
        queue = inBackground && !blob.writesInBackground ? BackgroundBlockQueue { try sealing.seal($0) } : nil
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
            try sealing.seal(bytes)
        }
    }

    /// Seals what is left and reads every cleaned byte written so far back, in order, handing each block to `body`
    /// with its offset: for a caller that rewrites them into another sink. This sink is done after; abort its blob.
    func replay(_ body: (_ block: [UInt8], _ offset: Int) throws -> Void) throws {
        precondition(canReplay, "replay needs a rereadable blob with its header withheld")
        try queue?.finish()
        try sealing.finish()
        let reader = try (sealing.blob as! any RereadableBlobWriter).readBack()
        let opener = try sealing.sealer.makePayloadReader()
        var offset = 0
        func hand(_ block: [UInt8]) throws {
            try body(block, offset)
            offset += block.count
        }
        while true {
            let sealed = try reader.read(maxLength: 256 << 10)
            if sealed.isEmpty { break }
            try opener.update(sealed, emit: hand)
        }
        try opener.finish(hand)
        guard offset == size else { throw CoreError.storage("reading back a blob being written gave \(offset) of \(size) bytes") }
    }

    /// Seals the last chunk, commits the blob (telling `announcing` its key first) and returns it with the cleaned SHA-256.
    func finish(announcing: (String) throws -> Void = { _ in }) throws -> (blob: StoredBlob, cleanedSHA256: String) {
        try queue?.finish()
        try sealing.finish()
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
        try seal(bytes[...])
    }

    /// The sealer keeps what it holds back in `bytes`' array, so a slice of the scrubber's block is not copied.
    func seal(_ bytes: ArraySlice<UInt8>) throws {
        let sealed = try sealer.update(bytes)
        if !sealed.isEmpty { try blob.write(sealed) }
    }

    /// Pads and seals the end of the file into the blob, a few chunks at a time.
    func finish() throws {
        try sealer.finish { try blob.write($0) }
    }
}
