import Testing
@testable import EvidenceCrypto

/// The reader's side of the padding: any split of a padded plaintext gives back the file, and zero bytes held back
/// come out in bounded pieces once they turn out to be the file's.
@Suite struct PaddingStripperTests {
    /// Runs `plaintext` through a stripper in pieces of `pieceSize` and returns what it handed on, piece by piece.
    func strip(_ plaintext: [UInt8], pieceSize: Int) throws -> [[UInt8]] {
        var stripper = PaddingStripper()
        var pieces: [[UInt8]] = []
        var offset = 0
        while offset < plaintext.count {
            let end = min(offset + pieceSize, plaintext.count)
            try stripper.strip(Array(plaintext[offset..<end])) { pieces.append($0) }
            offset = end
        }
        try stripper.finish()
        return pieces
    }

    @Test(arguments: [1, 2, 3, 8, 9, 4096, 65536])
    func anySplitGivesBackTheFile(pieceSize: Int) throws {
        let files: [[UInt8]] = [
            [], [0], [0x80], [0x80, 0], [0, 0x80, 0, 0x80], [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            patternedBytes(count: 5000, seed: 2) + [0x80] + [UInt8](repeating: 0, count: 3000),
            [UInt8](repeating: 0, count: 70_000) + [0x80, 0x80, 0],
        ]
        for file in files {
            let pieces = try strip(padded(file), pieceSize: pieceSize)
            #expect(pieces.joined().elementsEqual(file), "file of \(file.count) bytes, pieces of \(pieceSize)")
            #expect(!pieces.contains { $0.isEmpty })
        }
    }

    @Test func heldZerosComeOutInBoundedPieces() throws {
        let file = [0x80] + [UInt8](repeating: 0, count: 5_000_000) + [7]
        let pieces = try strip(padded(file), pieceSize: 65536)
        #expect(pieces.joined().elementsEqual(file))
        #expect(pieces.map(\.count).max()! <= 4 * 65536)
    }

    @Test func paddingAfterAFullBlockIsHeldAsACount() throws {
        var stripper = PaddingStripper()
        var handedOn = 0
        try stripper.strip(patternedBytes(count: 1000, seed: 3) + [0x80]) { handedOn += $0.count }
        try stripper.strip([UInt8](repeating: 0, count: 20)) { handedOn += $0.count }
        try stripper.strip([0, 0, 0]) { handedOn += $0.count }  // Padmé(1001) = 1024
        #expect(handedOn == 1000)
        try stripper.finish()
    }
}
