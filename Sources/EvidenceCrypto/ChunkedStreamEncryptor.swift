/// Encrypts a byte stream into 64 KiB AES-256-GCM chunks with counter nonces and a last-chunk flag.
///
/// A key must encrypt only one stream: the nonces restart at zero for every encryptor.
public final class ChunkedStreamEncryptor {
    /// Plaintext bytes per chunk (65536).
    public static let chunkSize = ChunkedStream.chunkSize

    private let cipher: AESGCM
    /// The plaintext not sealed yet (at most a chunk: it may be the last one, which is sealed only at `finish`).
    /// Either a caller's slice, kept as it is rather than copied (`update(_: ArraySlice)`), or bytes copied into
    /// `pending`; never both.
    private var held: ArraySlice<UInt8> = []
    private var pending: [UInt8] = []
    private var nextIndex: UInt64 = 0
    private var finished = false

    /// Bytes of the sealed stream of `plaintextLength` bytes: each chunk adds its tag, and an empty stream is one
    /// empty chunk.
    public static func sealedLength(ofPlaintext plaintextLength: Int64) -> Int64 {
        let chunks = max(1, (plaintextLength + Int64(chunkSize) - 1) / Int64(chunkSize))
        return plaintextLength + chunks * Int64(AESGCM.tagLength)
    }

    /// Starts a stream under a 32-byte key.
    public init(key: [UInt8]) throws {
        cipher = try AESGCM(key: key, encrypting: true)
    }

    /// Takes more plaintext and returns the ciphertext of every chunk that is now known not to be the last.
    public func update(_ plaintext: UnsafeRawBufferPointer) throws -> [UInt8] {
        try update(plaintext, keeping: nil)
    }

    /// Takes more plaintext and returns the ciphertext ready so far.
    public func update(_ plaintext: [UInt8]) throws -> [UInt8] {
        try update(plaintext[...])
    }

    /// Takes more plaintext and returns the ciphertext ready so far. Bytes held back for a later chunk stay in
    /// `plaintext`'s array (kept alive, not copied): a stream of large slices is sealed without a copy.
    public func update(_ plaintext: ArraySlice<UInt8>) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try update($0, keeping: plaintext) }
    }

    /// `slice`: the same bytes as `plaintext`, when the caller gave them as a slice that can be kept.
    private func update(_ plaintext: UnsafeRawBufferPointer, keeping slice: ArraySlice<UInt8>?) throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamEncryptor.update called after finish()")
        // The chunk held back is sealed only once more input proves it is not the last one.
        let chunkSize = ChunkedStream.chunkSize
        let buffered = held.count + pending.count + plaintext.count
        let readyChunks = buffered > chunkSize ? (buffered - 1) / chunkSize : 0
        let outputCount = readyChunks * ChunkedStream.sealedChunkSize
        var inputOffset = 0
        // Not zeroed first: every byte is written by a seal (zeroing was a pass over every byte, seen in callgrind).
        let output = try [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
            var outputOffset = 0
            for _ in 0..<readyChunks {
                let destination = UnsafeMutableRawPointer(out.baseAddress! + outputOffset)
                let nonce = ChunkedStream.nonce(index: nextIndex, last: false)
                let take = chunkSize - held.count - pending.count
                let fresh = UnsafeRawBufferPointer(rebasing: plaintext[inputOffset..<inputOffset + take])
                if !held.isEmpty {
                    try held.withUnsafeBytes { try cipher.seal($0, fresh, nonce: nonce, into: destination) }
                    held = []
                } else if !pending.isEmpty {
                    try pending.withUnsafeBytes { try cipher.seal($0, fresh, nonce: nonce, into: destination) }
                    pending.removeAll(keepingCapacity: true)
                } else {
                    try cipher.seal(fresh, nonce: nonce, into: destination)
                }
                inputOffset += take
                nextIndex += 1
                outputOffset += ChunkedStream.sealedChunkSize
            }
            initialized = outputCount
        }
        if inputOffset < plaintext.count {
            if held.isEmpty && pending.isEmpty, let slice {
                held = slice[(slice.startIndex + inputOffset)...]
            } else {
                // Small pieces add up in one buffer of our own: keeping each would mean a seal call per piece.
                pending.reserveCapacity(chunkSize)
                pending.append(contentsOf: held)
                held = []
                pending.append(contentsOf: plaintext[inputOffset...])
            }
        }
        return output
    }

    /// Seals the held-back data as the last chunk (an empty one if the stream was empty) and returns it.
    public func finish() throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamEncryptor.finish called twice")
        finished = true
        let last = held.isEmpty ? pending[...] : held
        let output = try [UInt8](unsafeUninitializedCapacity: last.count + AESGCM.tagLength) { out, initialized in
            try last.withUnsafeBytes {
                try cipher.seal($0, nonce: ChunkedStream.nonce(index: nextIndex, last: true), into: UnsafeMutableRawPointer(out.baseAddress!))
            }
            initialized = last.count + AESGCM.tagLength
        }
        held = []
        pending = []
        return output
    }
}
