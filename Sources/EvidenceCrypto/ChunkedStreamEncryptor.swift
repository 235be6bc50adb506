/// Encrypts a byte stream into 64 KiB AES-256-GCM chunks with counter nonces and a last-chunk flag.
///
/// A key must encrypt only one stream: the nonces restart at zero for every encryptor.
public final class ChunkedStreamEncryptor {
    /// Plaintext bytes per chunk (65536).
    public static let chunkSize = ChunkedStream.chunkSize

    private let cipher: AESGCM
    private var pending: [UInt8] = []
    private var nextIndex: UInt64 = 0
    private var finished = false

    /// Starts a stream under a 32-byte key.
    public init(key: [UInt8]) throws {
        cipher = try AESGCM(key: key, encrypting: true)
        pending.reserveCapacity(ChunkedStream.chunkSize)
    }

    /// Takes more plaintext and returns the ciphertext of every chunk that is now known not to be the last.
    public func update(_ plaintext: UnsafeRawBufferPointer) throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamEncryptor.update called after finish()")
        // The chunk in `pending` is sealed only once more input proves it is not the last one.
        let chunkSize = ChunkedStream.chunkSize
        let buffered = pending.count + plaintext.count
        let readyChunks = buffered > chunkSize ? (buffered - 1) / chunkSize : 0
        let outputCount = readyChunks * ChunkedStream.sealedChunkSize
        var inputOffset = 0
        // Not zeroed first: every byte is written by a seal (zeroing was a pass over every byte, seen in callgrind).
        let output = try [UInt8](unsafeUninitializedCapacity: outputCount) { out, initialized in
            var outputOffset = 0
            for _ in 0..<readyChunks {
                let destination = UnsafeMutableRawPointer(out.baseAddress! + outputOffset)
                if pending.isEmpty {
                    try cipher.seal(UnsafeRawBufferPointer(rebasing: plaintext[inputOffset..<inputOffset + chunkSize]),
                                    nonce: ChunkedStream.nonce(index: nextIndex, last: false), into: destination)
                    inputOffset += chunkSize
                } else {
                    let take = chunkSize - pending.count
                    pending.append(contentsOf: plaintext[inputOffset..<inputOffset + take])
                    inputOffset += take
                    try pending.withUnsafeBytes {
                        try cipher.seal($0, nonce: ChunkedStream.nonce(index: nextIndex, last: false), into: destination)
                    }
                    pending.removeAll(keepingCapacity: true)
                }
                nextIndex += 1
                outputOffset += ChunkedStream.sealedChunkSize
            }
            initialized = outputCount
        }
        pending.append(contentsOf: plaintext[inputOffset...])
        return output
    }

    /// Takes more plaintext and returns the ciphertext ready so far.
    public func update(_ plaintext: [UInt8]) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try update($0) }
    }

    /// Takes more plaintext and returns the ciphertext ready so far.
    public func update(_ plaintext: ArraySlice<UInt8>) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try update($0) }
    }

    /// Seals the held-back data as the last chunk (an empty one if the stream was empty) and returns it.
    public func finish() throws -> [UInt8] {
        precondition(!finished, "ChunkedStreamEncryptor.finish called twice")
        finished = true
        var output = [UInt8](repeating: 0, count: pending.count + AESGCM.tagLength)
        try output.withUnsafeMutableBytes { out in
            try pending.withUnsafeBytes {
                try cipher.seal($0, nonce: ChunkedStream.nonce(index: nextIndex, last: true), into: out.baseAddress!)
            }
        }
        pending.removeAll()
        return output
    }
}
