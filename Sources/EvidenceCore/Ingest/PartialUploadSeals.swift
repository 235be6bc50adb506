import EvidenceCrypto

/// What the server writes about a resumable upload that only the client's secret opens: its declared length, and
/// where each piece starts and ends. A complete upload's length is its file's exact size, which whoever holds the
/// file knows; stored in the clear it would find the upload on a seized disk or database.
extension PartialUploads.Handle {
    func sealedLength(_ length: Int64) throws -> String {
        Hex.encode(try SealedValue.seal(Self.bigEndian(length), key: key(for: "length")))
    }

    /// The declared length from the upload's info: sealed, or in the clear in an upload begun before lengths were
    /// sealed (kept until it is claimed or expires, so that no upload in progress is lost).
    func length(of info: PartialUploads.Info) throws -> Int64? {
        if let sealed = info.sealedLength {
            return try Hex.decode(sealed).flatMap { try SealedValue.open($0, key: key(for: "length")) }.flatMap(Self.int64)
        }
        return info.length
    }

    /// The label a piece of bytes `start..<end` is stored under: a file name or a column, sealed.
    func sealedBounds(start: Int64, end: Int64) throws -> String {
        Hex.encode(try SealedValue.seal(Self.bigEndian(start) + Self.bigEndian(end), key: key(for: "bounds")))
    }

    /// A piece's bounds from its label; nil when the label is neither sealed under this upload's key nor the
    /// `<start>-<end>` of an upload begun before bounds were sealed.
    func bounds(of label: String) -> (start: Int64, end: Int64)? {
        if let sealed = Hex.decode(label), let opened = try? SealedValue.open(sealed, key: key(for: "bounds")), opened.count == 16,
            let start = Self.int64(Array(opened.prefix(8))), let end = Self.int64(Array(opened.suffix(8)))
        {
            return (start, end)
        }
        let legacy = label.split(separator: "-", omittingEmptySubsequences: false).compactMap { Int64($0) }
        return legacy.count == 2 ? (legacy[0], legacy[1]) : nil
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * (7 - $0))) }
    }

    private static func int64(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count == 8 else { return nil }
        return bytes.reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}

/// The padding that makes a complete upload's pieces, together, as long as a Padmé length: without it their sizes
/// add up to the file's exact size. It is encrypted with the last piece, which only the client's secret opens.
enum PartialUploadPadding {
    /// Plaintext bytes of zeros to seal after the `count` bytes of the piece that completes an upload whose other
    /// pieces take `earlierSealed` bytes at rest.
    static func zeros(afterLastPiece count: Int64, earlierSealed: Int64) -> Int64 {
        let needed = Int64(Padme.paddedLength(Int(earlierSealed + sealed(count)))) - earlierSealed
        // The sealed length grows with the plaintext but skips a tag's worth at each new chunk. The shortest
        // plaintext that reaches the target depends on the target and the earlier pieces only, not on `count`.
        let chunk = Int64(ChunkedStreamDecryptor.sealedChunkSize)
        let tag = chunk - Int64(ChunkedStreamDecryptor.chunkSize)
        var padded = max(count, needed - tag * ((needed + chunk - 1) / chunk))
        while sealed(padded) < needed { padded += 1 }
        while padded > count && sealed(padded - 1) >= needed { padded -= 1 }
        return padded - count
    }

    private static func sealed(_ plaintext: Int64) -> Int64 { ChunkedStreamEncryptor.sealedLength(ofPlaintext: plaintext) }
}
