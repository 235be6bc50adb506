/// Opens the payload of a sealed file (the bytes after its header) and hands on the file's bytes: every chunk
/// verified, and a version-2 payload's padding taken off (`PaddingStripper`).
///
/// Bytes come out before the whole payload is checked: keep them only if `finish` succeeds.
public final class SealedPayloadReader {
    private let chunks: ChunkedStreamDecryptor
    /// Nil for a version-1 payload, which is not padded.
    private var padding: PaddingStripper?

    init(payloadKey: [UInt8], padded: Bool) throws {
        chunks = try ChunkedStreamDecryptor(key: payloadKey)
        padding = padded ? PaddingStripper() : nil
    }

    /// Takes more of the payload and hands the file's bytes verified so far to `emit`, in pieces of at most the
    /// plaintext of the chunks completed or 256 KiB.
    public func update(_ sealed: UnsafeRawBufferPointer, emit: ([UInt8]) throws -> Void) throws {
        try pass(chunks.update(sealed), to: emit)
    }

    /// Takes more of the payload and hands the file's bytes verified so far to `emit`.
    public func update(_ sealed: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        try sealed.withUnsafeBytes { try update($0, emit: emit) }
    }

    /// Verifies the last chunk, hands on the file's last bytes and checks the padding; throws `.truncated` if the
    /// payload ended early and `.malformedPadding` if its padding is not the one the format prescribes.
    public func finish(_ emit: ([UInt8]) throws -> Void) throws {
        try pass(chunks.finish(), to: emit)
        try padding?.finish()
    }

    private func pass(_ plaintext: [UInt8], to emit: ([UInt8]) throws -> Void) throws {
        guard padding != nil else {
            if !plaintext.isEmpty { try emit(plaintext) }
            return
        }
        try padding?.strip(plaintext, emit: emit)
    }
}
