/// Decrypts and authenticates a chunked stream, releasing plaintext only for chunks that verified.
///
/// Plaintext comes out before the whole stream is checked: write it somewhere temporary and
/// keep it only if `finish()` succeeds.
public final class ChunkedStreamDecryptor {
    private let cipher: AESGCM
    private var pending: [UInt8] = []
    private var nextIndex: UInt64 = 0
    private var failure: SealedFileError?
    private var finished = false

    /// Starts reading a stream sealed under a 32-byte key.
    public init(key: [UInt8]) throws {
        cipher = try AESGCM(key: key, encrypting: false)
        pending.reserveCapacity(ChunkedStream.sealedChunkSize)
    }

    /// Takes more ciphertext and returns the plaintext of every chunk certain not to be the last.
    public func update(_ ciphertext: UnsafeRawBufferPointer) throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamDecryptor.update called after finish()")
        if let failure { throw failure }
        // A full chunk is known not to be the last only once at least one more byte follows it.
        let sealedChunkSize = ChunkedStream.sealedChunkSize
        let buffered = pending.count + ciphertext.count
        let readyChunks = buffered > sealedChunkSize ? (buffered - 1) / sealedChunkSize : 0
        let outputCount = readyChunks * ChunkedStream.chunkSize
        var inputOffset = 0
        // Not zeroed first: every byte is written by an open, and a chunk that fails throws the array away.
        let output = try [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
            var outputOffset = 0
            for _ in 0..<readyChunks {
                let destination = UnsafeMutableRawPointer(out.baseAddress! + outputOffset)
                if pending.isEmpty {
                    try openMiddleChunk(UnsafeRawBufferPointer(rebasing: ciphertext[inputOffset..<inputOffset + sealedChunkSize]),
                                        into: destination)
                    inputOffset += sealedChunkSize
                } else {
                    let take = sealedChunkSize - pending.count
                    pending.append(contentsOf: ciphertext[inputOffset..<inputOffset + take])
                    inputOffset += take
                    try pending.withUnsafeBytes { try openMiddleChunk($0, into: destination) }
                    pending.removeAll(keepingCapacity: true)
                }
                outputOffset += ChunkedStream.chunkSize
            }
            initialized = outputCount
        }
        pending.append(contentsOf: ciphertext[inputOffset...])
        return output
    }

    /// Takes more ciphertext and returns the plaintext verified so far.
    public func update(_ ciphertext: [UInt8]) throws -> [UInt8] {
        try ciphertext.withUnsafeBytes { try update($0) }
    }

    /// Takes more ciphertext and returns the plaintext verified so far.
    public func update(_ ciphertext: ArraySlice<UInt8>) throws -> [UInt8] {
        try ciphertext.withUnsafeBytes { try update($0) }
    }

    /// Chunks opened so far: the plaintext handed out is exactly this many times `chunkSize` until `finish`.
    public var chunksOpened: Int { Int(nextIndex) }

    /// Goes on at chunk `index` (at least `chunksOpened`), whose sealed bytes the caller feeds next, starting at
    /// `index * sealedChunkSize` of the stream: for a reader that skips plaintext it does not need. The chunks
    /// passed over are not authenticated.
    public func skip(toChunk index: Int) {
        precondition(!finished && index >= chunksOpened, "ChunkedStreamDecryptor can only skip ahead")
        pending.removeAll(keepingCapacity: true)
        nextIndex = UInt64(index)
    }

    /// Plaintext bytes of a stream of `sealedLength` bytes (nil when no stream has that length).
    public static func plaintextLength(ofSealed sealedLength: Int) -> Int? {
        let chunks = (sealedLength + ChunkedStream.sealedChunkSize - 1) / ChunkedStream.sealedChunkSize
        let plaintext = sealedLength - chunks * AESGCM.tagLength
        return chunks > 0 && plaintext >= 0 && (plaintext > 0 || chunks == 1) ? plaintext : nil
    }

    /// Plaintext bytes in each full chunk, and their sealed size.
    public static let chunkSize = ChunkedStream.chunkSize
    public static let sealedChunkSize = ChunkedStream.sealedChunkSize

    /// Verifies the last chunk and returns its plaintext; throws `.truncated` if the stream ended early.
    public func finish() throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamDecryptor.finish called twice")
        finished = true
        if let failure { throw failure }
        let index = nextIndex
        guard pending.count >= AESGCM.tagLength else { throw SealedFileError.truncated }
        var output = [UInt8](repeating: 0, count: max(1, pending.count - AESGCM.tagLength))
        let (authenticLast, authenticMiddle) = try output.withUnsafeMutableBytes { out in
            try pending.withUnsafeBytes { sealed in
                if try cipher.open(sealed, nonce: ChunkedStream.nonce(index: index, last: true), into: out.baseAddress!) {
                    return (true, false)
                }
                guard sealed.count == ChunkedStream.sealedChunkSize else { return (false, false) }
                return (false, try cipher.open(sealed, nonce: ChunkedStream.nonce(index: index, last: false), into: out.baseAddress!))
            }
        }
        if authenticMiddle { throw SealedFileError.truncated }
        // An empty last chunk is valid only as the whole of an empty stream.
        guard authenticLast, pending.count > AESGCM.tagLength || index == 0 else {
            throw SealedFileError.chunkAuthenticationFailed(chunk: Int(index))
        }
        output.removeLast(output.count - (pending.count - AESGCM.tagLength))
        pending.removeAll()
        return output
    }

    private func openMiddleChunk(_ sealed: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer) throws {
        let index = nextIndex
        if try cipher.open(sealed, nonce: ChunkedStream.nonce(index: index, last: false), into: destination) {
            nextIndex += 1
            return
        }
        let error: SealedFileError =
            try cipher.open(sealed, nonce: ChunkedStream.nonce(index: index, last: true), into: destination)
            ? .trailingData : .chunkAuthenticationFailed(chunk: Int(index))
        failure = error
        throw error
    }
}
