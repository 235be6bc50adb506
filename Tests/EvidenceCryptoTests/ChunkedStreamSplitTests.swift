import Testing
@testable import EvidenceCrypto

/// The encryptor keeps a caller's array instead of copying the bytes it must hold back (the last chunk waits for
/// `finish`). However the plaintext is handed in, the sealed stream must be the same bytes: nonces are counters,
/// so one key and one plaintext give one ciphertext.
@Suite struct ChunkedStreamSplitTests {
    let key = SecureRandom.bytes(count: 32)

    enum Piece {
        /// Bytes given as a pointer (copied when held back).
        case raw(Int)
        /// Bytes given as a slice of a larger array (kept as they are when held back).
        case slice(Int)
        /// Bytes given as an array of their own.
        case array(Int)

        var count: Int {
            switch self {
            case .raw(let count), .slice(let count), .array(let count): count
            }
        }
    }

    func seal(_ plaintext: [UInt8], pieces: [Piece]) throws -> [UInt8] {
        let encryptor = try ChunkedStreamEncryptor(key: key)
        var output: [UInt8] = []
        var offset = 0
        var index = 0
        while offset < plaintext.count {
            let piece = pieces[index % pieces.count]
            index += 1
            let end = min(plaintext.count, offset + max(1, piece.count))
            switch piece {
            case .raw: output += try plaintext[offset..<end].withUnsafeBytes { try encryptor.update($0) }
            case .slice:
                // A slice of a copy with bytes around it, as a scrubber hands on part of a block it read.
                let block = Array(plaintext[max(0, offset - 5)..<min(plaintext.count, end + 5)])
                let start = offset - max(0, offset - 5)
                output += try encryptor.update(block[start..<start + (end - offset)])
            case .array: output += try encryptor.update(Array(plaintext[offset..<end]))
            }
            offset = end
        }
        return output + (try encryptor.finish())
    }

    @Test("the same ciphertext whatever the pieces: pointers, slices, arrays, small and chunk-sized, aligned or not")
    func splitsGiveTheSameStream() throws {
        let chunk = ChunkedStream.chunkSize
        let splits: [[Piece]] = [
            [.slice(chunk)], [.array(chunk)], [.raw(chunk)],
            [.slice(chunk - 37)], [.slice(chunk + 37)], [.array(3 * chunk + 1)],
            [.slice(1), .slice(chunk)], [.slice(100), .raw(chunk), .array(5)],
            [.slice(7), .slice(13), .raw(1), .array(chunk / 2)], [.slice(2 * chunk - 1), .raw(3)],
        ]
        for size in [0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 5 * chunk + 12_345] {
            let plaintext = patternedBytes(count: size, seed: UInt64(size) + 11)
            let whole = try seal(plaintext, pieces: [.raw(max(1, size))])
            let decryptor = try ChunkedStreamDecryptor(key: key)
            #expect(try decryptor.update(whole) + decryptor.finish() == plaintext)
            for pieces in splits {
                #expect(try seal(plaintext, pieces: pieces) == whole, "size \(size), pieces \(pieces)")
            }
        }
    }

    @Test("bytes held back from a caller's array are the bytes it had when handed in")
    func heldBytesAreTheCallersAtTheTime() throws {
        let plaintext = patternedBytes(count: 70_000, seed: 5)
        let encryptor = try ChunkedStreamEncryptor(key: key)
        var block = plaintext
        var sealed = try encryptor.update(block[...])
        // The caller reuses its array: the encryptor's held bytes must not change with it.
        for index in block.indices { block[index] = 0xAA }
        sealed += try encryptor.finish()
        let decryptor = try ChunkedStreamDecryptor(key: key)
        #expect(try decryptor.update(sealed) + decryptor.finish() == plaintext)
    }
}
