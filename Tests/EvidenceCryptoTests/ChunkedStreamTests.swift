import Testing
@testable import EvidenceCrypto

@Suite struct ChunkedStreamTests {
    let key = SecureRandom.bytes(count: 32)

    func encrypt(_ plaintext: [UInt8], pieceSize: Int = 100_000) throws -> [UInt8] {
        let encryptor = try ChunkedStreamEncryptor(key: key)
        return try feed(plaintext, pieceSize: pieceSize, update: encryptor.update, finish: encryptor.finish)
    }

    func decrypt(_ ciphertext: [UInt8], key: [UInt8]? = nil, pieceSize: Int = 100_000) throws -> [UInt8] {
        let decryptor = try ChunkedStreamDecryptor(key: key ?? self.key)
        return try feed(ciphertext, pieceSize: pieceSize, update: decryptor.update, finish: decryptor.finish)
    }

    /// Seals chunks by hand with the documented nonce layout, to build streams the encryptor never writes.
    func sealChunk(_ plaintext: [UInt8], index: UInt64, last: Bool) throws -> [UInt8] {
        try AESGCM(key: key, encrypting: true).seal(plaintext, nonce: ChunkedStream.nonce(index: index, last: last))
    }

    @Test(arguments: boundarySizes + [1_000_003], [1, 7, 100_000])
    func roundTrip(size: Int, pieceSize: Int) throws {
        if size > 3 * 65536 && pieceSize == 1 { return }  // a million one-byte calls add nothing but time
        let plaintext = patternedBytes(count: size, seed: UInt64(size))
        let ciphertext = try encrypt(plaintext, pieceSize: pieceSize)
        let chunks = max(1, (size + 65535) / 65536)
        #expect(ciphertext.count == size + chunks * 16)
        #expect(digest(try decrypt(ciphertext, pieceSize: pieceSize == 1 ? 7 : pieceSize)) == digest(plaintext))
    }

    @Test func nonceLayout() {
        #expect(ChunkedStream.nonce(index: 0, last: false) == [UInt8](repeating: 0, count: 12))
        #expect(ChunkedStream.nonce(index: 0x0102, last: true) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x01])
    }

    @Test func chunksAreIndependentlyDecryptable() throws {
        let plaintext = patternedBytes(count: 3 * 65536 + 10)
        let ciphertext = try encrypt(plaintext)
        let third = Array(ciphertext[2 * 65552..<3 * 65552])
        let opened = try AESGCM(key: key, encrypting: false).open(third, nonce: ChunkedStream.nonce(index: 2, last: false))
        #expect(opened.map { Array($0) } == Array(plaintext[2 * 65536..<3 * 65536]))
    }

    @Test func emptyPlaintextIsOneEmptyLastChunk() throws {
        let ciphertext = try encrypt([])
        #expect(ciphertext == (try sealChunk([], index: 0, last: true)))
    }

    @Test func rejectsWrongKeyLength() {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 16)) { try ChunkedStreamEncryptor(key: [UInt8](repeating: 0, count: 16)) }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 33)) { try ChunkedStreamDecryptor(key: [UInt8](repeating: 0, count: 33)) }
    }

    @Test func wrongKeyFailsFirstChunk() throws {
        let ciphertext = try encrypt(patternedBytes(count: 100))
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try decrypt(ciphertext, key: SecureRandom.bytes(count: 32)) }
    }

    @Test(arguments: 0..<4)
    func flippedByteNamesItsChunk(chunk: Int) throws {
        var ciphertext = try encrypt(patternedBytes(count: 3 * 65536 + 500))
        ciphertext[chunk * 65552 + 17] ^= 0x40
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: chunk)) { try decrypt(ciphertext) }
    }

    @Test func truncatedAtChunkBoundary() throws {
        let ciphertext = try encrypt(patternedBytes(count: 3 * 65536 + 500))
        #expect(throws: SealedFileError.truncated) { try decrypt(Array(ciphertext[..<(3 * 65552)])) }
        #expect(throws: SealedFileError.truncated) { try decrypt(Array(ciphertext[..<65552])) }
        #expect(throws: SealedFileError.truncated) { try decrypt([]) }
        #expect(throws: SealedFileError.truncated) { try decrypt(Array(ciphertext[..<15])) }
    }

    @Test func truncatedInsideTheLastChunkFailsThatChunk() throws {
        let ciphertext = try encrypt(patternedBytes(count: 65536 + 500))
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 1)) { try decrypt(Array(ciphertext.dropLast(1))) }
    }

    @Test func trailingDataAfterAFullLastChunk() throws {
        let ciphertext = try encrypt(patternedBytes(count: 2 * 65536))
        #expect(throws: SealedFileError.trailingData) { try decrypt(ciphertext + [0]) }
        #expect(throws: SealedFileError.trailingData) { try decrypt(ciphertext + patternedBytes(count: 70_000)) }
    }

    @Test func trailingDataAfterAShortLastChunkFailsThatChunk() throws {
        // The reader cannot tell where a short last chunk ends, so the appended bytes corrupt it.
        let ciphertext = try encrypt(patternedBytes(count: 65536 + 500))
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 1)) { try decrypt(ciphertext + [0]) }
    }

    @Test func swappedAndDroppedChunksFail() throws {
        let ciphertext = try encrypt(patternedBytes(count: 3 * 65536 + 500))
        let chunks = stride(from: 0, to: ciphertext.count, by: 65552).map { Array(ciphertext[$0..<min($0 + 65552, ciphertext.count)]) }
        let swapped = chunks[1] + chunks[0] + chunks[2] + chunks[3]
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try decrypt(swapped) }
        let dropped = chunks[0] + chunks[2] + chunks[3]
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 1)) { try decrypt(dropped) }
    }

    @Test func lastChunkMarkedEarlyIsTrailingData() throws {
        let stream = try sealChunk(patternedBytes(count: 65536), index: 0, last: true) + sealChunk([1, 2, 3], index: 1, last: true)
        #expect(throws: SealedFileError.trailingData) { try decrypt(stream) }
    }

    @Test func emptyLastChunkAfterDataIsRejected() throws {
        let stream = try sealChunk(patternedBytes(count: 65536), index: 0, last: false) + sealChunk([], index: 1, last: true)
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 1)) { try decrypt(stream) }
    }

    @Test func failureIsSticky() throws {
        var ciphertext = try encrypt(patternedBytes(count: 3 * 65536))
        ciphertext[5] ^= 1
        let decryptor = try ChunkedStreamDecryptor(key: key)
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try decryptor.update(ciphertext) }
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try decryptor.update([0]) }
    }
}
