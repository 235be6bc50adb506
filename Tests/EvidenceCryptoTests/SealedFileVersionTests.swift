import Testing
@testable import EvidenceCrypto

/// The reader opens both versions (docs/FORMAT.md, "Padding"): version 1 as it is, version 2 without its padding,
/// and refuses a version-2 payload whose padding is not the prescribed one.
@Suite struct SealedFileVersionTests {
    let alice = X25519PrivateKey.generate()

    @Test(arguments: [
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0x01], "the plaintext does not end with 0x80 and zero bytes"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x00], "the plaintext does not end with 0x80 and zero bytes"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], "the plaintext does not end with 0x80 and zero bytes"),
        ([], "the plaintext does not end with 0x80 and zero bytes"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0, 0, 0], "3 zero bytes follow the 0x80 that ends a file of 8 bytes, instead of 1"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x80], "0 zero bytes follow the 0x80 that ends a file of 8 bytes, instead of 1"),
    ] as [([UInt8], String)])
    func wrongPaddingIsRefused(payload: [UInt8], reason: String) throws {
        let sealed = try handSealed(payload, version: 2, to: [alice.publicKey])
        #expect(throws: SealedFileError.malformedPadding(reason)) { try open(sealed, with: alice) }
    }

    @Test func theSamePaddingIsFineInAVersionOneFile() throws {
        let payload = padded([1, 2, 3])
        #expect(try open(try handSealed(payload, version: 1, to: [alice.publicKey]), with: alice) == payload)
        #expect(try open(try handSealed(payload, version: 2, to: [alice.publicKey]), with: alice) == [1, 2, 3])
    }

    @Test(arguments: boundarySizes + [200_003])
    func versionOneFilesStillOpen(size: Int) throws {
        let file = patternedBytes(count: size, seed: 8)
        let sealed = try handSealed(file, version: 1, to: [alice.publicKey])
        #expect(sealed[16] == 1)
        #expect(digest(try open(sealed, with: alice)) == digest(file))
    }
}
