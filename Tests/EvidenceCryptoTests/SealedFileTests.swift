import Testing
@testable import EvidenceCrypto

@Suite struct SealedFileTests {
    let alice = X25519PrivateKey.generate()
    let bob = X25519PrivateKey.generate()
    let mallory = X25519PrivateKey.generate()

    @Test(arguments: boundarySizes + [1_000_003], [1, 7, 100_000])
    func roundTripToTwoRecipients(size: Int, pieceSize: Int) throws {
        if size > 3 * 65536 && pieceSize == 1 { return }
        let plaintext = patternedBytes(count: size, seed: UInt64(size) + 7)
        let sealed = try seal(plaintext, to: [alice.publicKey, bob.publicKey], pieceSize: pieceSize)
        #expect(sealed.count == sealedLength(ofFileSize: size, recipients: 2))
        #expect(digest(try open(sealed, with: alice, pieceSize: pieceSize == 1 ? 7 : pieceSize)) == digest(plaintext))
        #expect(digest(try open(sealed, with: bob, pieceSize: pieceSize)) == digest(plaintext))
        #expect(throws: SealedFileError.noMatchingRecipient) { try open(sealed, with: mallory) }
    }

    @Test func headerArrivesWithFirstOutput() throws {
        let writer = try SealedFileWriter(recipients: [alice.publicKey])
        let first = try writer.update([1, 2, 3])
        #expect(first.count == headerLength(recipients: 1))
        #expect(Array(first.prefix(17)) == Array("EVIDENCE-SEALED\n".utf8) + [2])
        #expect(try writer.update([4]).isEmpty)
        #expect(try writer.finish().count == 4 + 1 + 16)  // Padmé(5) = 5: the marker alone pads four bytes
    }

    @Test func sealingTwiceGivesDifferentBytes() throws {
        let plaintext = patternedBytes(count: 1000)
        #expect(try seal(plaintext, to: [alice.publicKey]) != seal(plaintext, to: [alice.publicKey]))
    }

    @Test func noRecipients() {
        #expect(throws: SealedFileError.noRecipients) { try SealedFileWriter(recipients: []) }
    }

    @Test func recipientFingerprintsNameTheKeys() throws {
        let sealed = try seal([1, 2, 3], to: [alice.publicKey, bob.publicKey])
        #expect(try SealedFileReader.recipientFingerprints(ofHeader: sealed) == [alice.publicKey.fingerprint, bob.publicKey.fingerprint])
        #expect(throws: SealedFileError.truncated) { try SealedFileReader.recipientFingerprints(ofHeader: Array(sealed.prefix(40))) }
    }

    @Test func unknownStanzaTypesAreSkipped() throws {
        // A later writer may add recipient types; a reader skips stanzas it does not know.
        let unknown = RecipientStanza(type: 0x7f, body: [9, 9, 9])
        let sealed = try handSealed(padded([5, 6, 7]), version: 2, to: [alice.publicKey], leadingStanzas: [unknown])
        #expect(try open(sealed, with: alice, pieceSize: 1) == [5, 6, 7])
    }
}

@Suite struct SealedFileTamperingTests {
    let alice = X25519PrivateKey.generate()
    let bob = X25519PrivateKey.generate()
    let plaintext = patternedBytes(count: 3 * 65536 + 500, seed: 3)
    let sealed: [UInt8]
    /// Offsets inside a single-recipient header.
    static let stanzaTypeOffset = 19
    static let ephemeralKeyOffset = 22
    static let keyIDOffset = 54
    static let wrappedKeyOffset = 70
    static let payloadNonceOffset = 118
    static let macOffset = 134
    static let payloadOffset = 166

    init() throws {
        sealed = try seal(plaintext, to: [alice.publicKey])
    }

    func flipped(at offset: Int, with mask: UInt8 = 0x01) -> [UInt8] {
        var copy = sealed
        copy[offset] ^= mask
        return copy
    }

    @Test func layoutOffsets() {
        #expect(headerLength(recipients: 1) == Self.payloadOffset)
        #expect(sealed[Self.stanzaTypeOffset] == 0x01)
        #expect(Array(sealed[Self.keyIDOffset..<Self.keyIDOffset + 16]) == alice.publicKey.keyID)
    }

    @Test func notASealedFile() {
        #expect(throws: SealedFileError.notASealedFile) { try open(flipped(at: 0), with: alice) }
        #expect(throws: SealedFileError.notASealedFile) { try open(Array("hello".utf8), with: alice) }
    }

    @Test func unsupportedVersion() {
        #expect(throws: SealedFileError.unsupportedVersion(3)) { try open(flipped(at: 16, with: 0x01), with: alice) }
        #expect(throws: SealedFileError.unsupportedVersion(0)) { try open(flipped(at: 16, with: 0x02), with: alice) }
    }

    /// The version byte is under the header MAC: a padded file cannot pass for an unpadded one.
    @Test func versionChangedToOneFailsHeaderAuthentication() {
        #expect(throws: SealedFileError.headerAuthenticationFailed) { try open(flipped(at: 16, with: 0x03), with: alice) }
    }

    @Test(arguments: [ephemeralKeyOffset, keyIDOffset, wrappedKeyOffset, wrappedKeyOffset + 40, payloadNonceOffset, macOffset, macOffset + 31])
    func flippedHeaderByteFailsHeaderAuthentication(offset: Int) {
        #expect(throws: SealedFileError.headerAuthenticationFailed) { try open(flipped(at: offset), with: alice) }
    }

    @Test func stanzaTurnedIntoUnknownTypeLeavesNoMatchingRecipient() {
        #expect(throws: SealedFileError.noMatchingRecipient) { try open(flipped(at: Self.stanzaTypeOffset, with: 0x03), with: alice) }
    }

    @Test func zeroRecipientCountIsMalformed() {
        var copy = sealed
        copy[18] = 0
        #expect(throws: SealedFileError.malformedHeader("the recipient count is zero")) { try open(copy, with: alice) }
    }

    @Test func wrongStanzaLengthIsMalformed() {
        #expect(throws: SealedFileError.malformedHeader("recipient stanza 0 is X25519 but 97 bytes long instead of 96")) {
            try open(flipped(at: 21, with: 0x01), with: alice)
        }
    }

    @Test(arguments: 0..<4)
    func flippedPayloadByteNamesItsChunk(chunk: Int) {
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: chunk)) {
            try open(flipped(at: Self.payloadOffset + chunk * 65552 + 100, with: 0x80), with: alice)
        }
    }

    @Test func truncation() {
        let chunkBoundary = Self.payloadOffset + 3 * 65552
        #expect(throws: SealedFileError.truncated) { try open(Array(sealed[..<chunkBoundary]), with: alice) }
        #expect(throws: SealedFileError.truncated) { try open(Array(sealed[..<Self.payloadOffset]), with: alice) }
        #expect(throws: SealedFileError.truncated) { try open(Array(sealed[..<100]), with: alice) }
        #expect(throws: SealedFileError.truncated) { try open([], with: alice) }
    }

    @Test func trailingData() throws {
        // Padmé(2^17) = 2^17: two full chunks, the last one included.
        let fullChunks = try seal(patternedBytes(count: 2 * 65536 - 1), to: [alice.publicKey])
        #expect(throws: SealedFileError.trailingData) { try open(fullChunks + [0x00], with: alice) }
    }

    @Test func swappedChunksFail() {
        let first = Self.payloadOffset
        let second = first + 65552
        let swapped = Array(sealed[..<first]) + sealed[second..<second + 65552] + sealed[first..<second] + sealed[(second + 65552)...]
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try open(swapped, with: alice) }
    }

    @Test func spliceOfAnotherFilesPayloadFails() throws {
        // Same recipient, different file key: the header of one file cannot open the chunks of another.
        let other = try seal(plaintext, to: [alice.publicKey])
        let spliced = Array(sealed[..<Self.payloadOffset]) + other[Self.payloadOffset...]
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 0)) { try open(spliced, with: alice) }
    }

    @Test func stanzaOfAnotherRecipientCannotBeSwappedIn() throws {
        // Bob's stanza from another file unwraps a different file key, so the MAC check fails.
        let forBob = try seal(plaintext, to: [bob.publicKey])
        let stanzaRange = Self.stanzaTypeOffset..<Self.payloadNonceOffset
        var mixed = sealed
        mixed.replaceSubrange(stanzaRange, with: forBob[stanzaRange])
        #expect(throws: SealedFileError.headerAuthenticationFailed) { try open(mixed, with: bob) }
    }
}
