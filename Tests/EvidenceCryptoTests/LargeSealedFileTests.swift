import Testing
@testable import EvidenceCrypto

/// A 200 MiB file sealed in 1 MiB blocks and opened again, without either side ever holding more than a few
/// chunks beyond the block it was given: in particular its 4 MiB of padding streams out and is taken off as a count.
@Suite struct LargeSealedFileTests {
    static let mebibyte = 1 << 20
    static let blocks = 200
    /// Sealed bytes that a block of 1 MiB can release: its own chunks and the one held back before it, with tags.
    static let boundPerBlock = mebibyte + 2 * 65552

    @Test func sealsAndOpensInBoundedPieces() throws {
        let alice = X25519PrivateKey.generate()
        let block = patternedBytes(count: Self.mebibyte, seed: 17)
        let writer = try SealedFileWriter(recipients: [alice.publicKey])
        let reader = SealedFileReader(identity: alice)
        let original = SHA256Hasher()
        let opened = SHA256Hasher()
        var sealedSize = 0
        var largestOpened = 0
        func open(_ sealed: [UInt8]) throws {
            sealedSize += sealed.count
            try reader.update(sealed) { piece in
                largestOpened = max(largestOpened, piece.count)
                opened.update(piece)
            }
        }
        for index in 0..<Self.blocks {
            var data = block
            data[0] = UInt8(truncatingIfNeeded: index)
            original.update(data)
            let sealed = try writer.update(data)
            #expect(sealed.count <= Self.boundPerBlock + headerLength(recipients: 1))
            try open(sealed)
        }
        var finishPieces: [Int] = []
        try writer.finish { sealed in
            finishPieces.append(sealed.count)
            try open(sealed)
        }
        try reader.finish { piece in
            largestOpened = max(largestOpened, piece.count)
            opened.update(piece)
        }
        let padding = Padme.paddedLength(Self.blocks * Self.mebibyte + 1) - Self.blocks * Self.mebibyte
        #expect(padding > 4_000_000)
        #expect(finishPieces.count > 10 && finishPieces.allSatisfy { $0 <= 4 * 65552 }, "\(finishPieces)")
        #expect(largestOpened <= Self.mebibyte + 2 * 65536)
        #expect(sealedSize == sealedLength(ofFileSize: Self.blocks * Self.mebibyte, recipients: 1))
        #expect(opened.finalize() == original.finalize())
    }
}
