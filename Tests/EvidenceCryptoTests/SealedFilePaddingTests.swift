import Testing
@testable import EvidenceCrypto

/// Version 2's padding (docs/FORMAT.md, "Padding"): the sealed size tells the file's size only coarsely, and the
/// reader gives back exactly the file's bytes.
@Suite struct SealedFilePaddingTests {
    let alice = X25519PrivateKey.generate()

    /// Sizes at the chunk boundaries, and on and beside Padmé steps (Padmé(P + 1) = P + 1 for P = 2^17 - 1).
    @Test(arguments: [0, 1, 2, 7, 8, 9, 65535, 65536, 65537, 131_070, 131_071, 131_072, 200_703, 200_704, 1_081_343])
    func roundTrip(size: Int) throws {
        let file = patternedBytes(count: size, seed: UInt64(size) + 21)
        let sealed = try seal(file, to: [alice.publicKey])
        #expect(sealed.count == sealedLength(ofFileSize: size, recipients: 1))
        #expect(digest(try open(sealed, with: alice)) == digest(file))
        #expect(digest(try open(sealed, with: alice, pieceSize: 65552)) == digest(file))
    }

    /// The payload holds exactly the file, 0x80, and zeros up to Padmé(P + 1).
    @Test(arguments: [0, 3, 64, 65535, 70_000])
    func thePayloadIsTheFileAndItsPadding(size: Int) throws {
        let file = patternedBytes(count: size, seed: 5)
        let sealed = try seal(file, to: [alice.publicKey])
        guard case .complete(let header, let length) = try sealed.withUnsafeBytes({ try SealedFileHeader.parse($0) }) else {
            Issue.record("the header does not parse")
            return
        }
        #expect(header.version == 2)
        let fileKey = try alice.unwrapFileKey(from: header.stanzas)
        let decryptor = try ChunkedStreamDecryptor(key: SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: header.payloadNonce))
        #expect(try decryptor.update(sealed[length...]) + decryptor.finish() == padded(file))
    }

    /// Data that looks like padding is the file's as long as the real padding follows it.
    @Test(arguments: filesEndingLikePadding)
    func fileEndingLikePaddingRoundTrips(file: NamedBytes) throws {
        let sealed = try seal(file.bytes, to: [alice.publicKey])
        #expect(sealed.count == sealedLength(ofFileSize: file.bytes.count, recipients: 1))
        for pieceSize in [1000, 65552, 300_000] {
            #expect(digest(try open(sealed, with: alice, pieceSize: pieceSize)) == digest(file.bytes))
        }
    }

    @Test func fiveNearbySizesGiveAtMostTwoSealedSizes() throws {
        let sizes = try (3_000_000...3_000_004).map { try seal(patternedBytes(count: $0, seed: UInt64($0)), to: [alice.publicKey]).count }
        #expect(Set(sizes).count <= 2, "\(sizes)")
        #expect(sizes.allSatisfy { $0 == headerLength(recipients: 1) + 3_014_656 + 16 * 46 })
    }

    /// `makePayloadReader` reads back the writer's own payload, header withheld, and hands on exactly the file.
    @Test(arguments: [0, 1, 65536, 300_001])
    func thePayloadReaderGivesBackTheFile(size: Int) throws {
        let file = patternedBytes(count: size, seed: 13)
        let writer = try SealedFileWriter(recipients: [alice.publicKey])
        _ = writer.takeHeader()
        var payload = try writer.update(file)
        try writer.finish { payload += $0 }
        let reader = try writer.makePayloadReader()
        var read: [UInt8] = []
        try reader.update(payload) { read += $0 }
        try reader.finish { read += $0 }
        #expect(digest(read) == digest(file))
    }
}
