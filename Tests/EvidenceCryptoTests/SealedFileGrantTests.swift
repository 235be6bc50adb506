import Foundation
import Testing
@testable import EvidenceCrypto

/// Adding a recipient to a sealed file: the new key opens it, the old keys still do, and the payload bytes are untouched.
@Suite struct SealedFileGrantTests {
    let first = X25519PrivateKey.generate()
    let second = X25519PrivateKey.generate()

    /// Runs the old file through a grant in pieces of `pieceSize` bytes.
    func grant(_ sealed: [UInt8], by identity: X25519PrivateKey, to recipient: X25519PublicKey, pieceSize: Int = 100_000) throws -> [UInt8] {
        let grant = SealedFileGrant(identity: identity, adding: recipient)
        var output: [UInt8] = []
        var offset = 0
        while offset < sealed.count {
            let end = min(offset + pieceSize, sealed.count)
            output += try grant.update(sealed[offset..<end])
            offset = end
        }
        try grant.finish()
        return output
    }

    @Test(arguments: boundarySizes)
    func newKeyOpensAndPayloadIsUnchanged(size: Int) throws {
        let plaintext = patternedBytes(count: size, seed: UInt64(size) + 3)
        let sealed = try seal(plaintext, to: [first.publicKey])
        let granted = try grant(sealed, by: first, to: second.publicKey)
        #expect(granted.count == sealed.count + 99)
        // Everything after the header is byte for byte the old payload.
        #expect(Array(granted[headerLength(recipients: 2)...]) == Array(sealed[headerLength(recipients: 1)...]))
        #expect(digest(try open(granted, with: second)) == digest(plaintext))
        #expect(digest(try open(granted, with: first)) == digest(plaintext))
        #expect(try SealedFileReader.recipientFingerprints(ofHeader: granted)
            == [first.publicKey.fingerprint, second.publicKey.fingerprint])
    }

    /// A grant keeps the file's version byte: the payload, padded or not, is the same.
    @Test(arguments: [UInt8(1), 2])
    func theVersionIsKept(version: UInt8) throws {
        let payload: [UInt8] = version == 1 ? [1, 2, 3] : padded([1, 2, 3])
        let granted = try grant(try handSealed(payload, version: version, to: [first.publicKey]), by: first, to: second.publicKey)
        #expect(granted[16] == version)
        #expect(try open(granted, with: second) == [1, 2, 3])
    }

    @Test(arguments: [1, 7, 166, 167, 65536])
    func worksWhateverThePieceSize(pieceSize: Int) throws {
        let plaintext = patternedBytes(count: 70_000, seed: 9)
        let sealed = try seal(plaintext, to: [first.publicKey])
        let granted = try grant(sealed, by: first, to: second.publicKey, pieceSize: pieceSize)
        #expect(digest(try open(granted, with: second)) == digest(plaintext))
    }

    @Test func aRecipientAddedLaterCanGrantInTurn() throws {
        let third = X25519PrivateKey.generate()
        let plaintext = patternedBytes(count: 1000)
        let granted = try grant(try grant(try seal(plaintext, to: [first.publicKey]), by: first, to: second.publicKey),
                                by: second, to: third.publicKey)
        for key in [first, second, third] { #expect(try open(granted, with: key) == plaintext) }
    }

    @Test func aKeyThatIsAlreadyARecipientIsRefused() throws {
        let sealed = try seal([1, 2, 3], to: [first.publicKey, second.publicKey])
        #expect(throws: SealedFileError.alreadyRecipient(second.publicKey.fingerprint)) {
            try grant(sealed, by: first, to: second.publicKey)
        }
        #expect(throws: SealedFileError.alreadyRecipient(first.publicKey.fingerprint)) {
            try grant(sealed, by: first, to: first.publicKey)
        }
    }

    @Test func onlyARecipientCanGrant() throws {
        let sealed = try seal([1, 2, 3], to: [first.publicKey])
        #expect(throws: SealedFileError.noMatchingRecipient) { try grant(sealed, by: second, to: second.publicKey) }
    }

    @Test func anAlteredHeaderIsRefused() throws {
        var sealed = try seal([1, 2, 3], to: [first.publicKey])
        sealed[headerLength(recipients: 1) - 40] ^= 0x01  // a payload nonce byte, covered by the MAC
        #expect(throws: SealedFileError.headerAuthenticationFailed) { try grant(sealed, by: first, to: second.publicKey) }
    }

    @Test func aFileCutInsideItsHeaderIsTruncated() throws {
        let sealed = try seal([1, 2, 3], to: [first.publicKey])
        #expect(throws: SealedFileError.truncated) { try grant(Array(sealed.prefix(100)), by: first, to: second.publicKey) }
        #expect(throws: SealedFileError.notASealedFile) { try grant(Array("not sealed at all".utf8), by: first, to: second.publicKey) }
    }

    /// The payload is copied, not checked: damage in it stays exactly where it was, for `verify` to find.
    @Test func payloadDamageIsCarriedNotHidden() throws {
        var sealed = try seal(patternedBytes(count: 3 * 65536), to: [first.publicKey])
        sealed[headerLength(recipients: 1) + 65552 + 5] ^= 0x10
        let granted = try grant(sealed, by: first, to: second.publicKey)
        #expect(Array(granted[headerLength(recipients: 2)...]) == Array(sealed[headerLength(recipients: 1)...]))
        #expect(throws: SealedFileError.chunkAuthenticationFailed(chunk: 1)) { try open(granted, with: second) }
    }

    @Test func stanzasOfUnknownTypesAreKeptAsTheyWere() throws {
        let unknown = RecipientStanza(type: 0x7f, body: [9, 8, 7])
        let sealed = try handSealed(padded([42, 43]), version: 2, to: [first.publicKey], leadingStanzas: [unknown])
        let granted = try grant(sealed, by: first, to: second.publicKey)
        let parsed = try granted.withUnsafeBytes { try SealedFileHeader.parse($0) }
        guard case .complete(let header, _) = parsed else {
            Issue.record("the granted header did not parse")
            return
        }
        #expect(header.stanzas.count == 3 && header.stanzas[0] == unknown)
        #expect(try open(granted, with: second) == [42, 43])
    }

    /// Scripts/decrypt_sealed.py, the independent reader, opens a granted file with the new key.
    @Test func theIndependentReaderOpensAGrantedFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plaintext = patternedBytes(count: 140_000, seed: 4)
        let granted = try grant(try seal(plaintext, to: [first.publicKey]), by: first, to: reviewerFixture.key.publicKey)
        let keyFile = directory.appendingPathComponent("reviewer.key")
        let sealedFile = directory.appendingPathComponent("file.sealed")
        let outputFile = directory.appendingPathComponent("file.out")
        try reviewerFixture.pem.write(to: keyFile, atomically: true, encoding: .utf8)
        try Data(granted).write(to: sealedFile)
        let result = try run(
            "python3",
            [repositoryRoot.appendingPathComponent("Scripts/decrypt_sealed.py").path, "--key", keyFile.path, "--out", outputFile.path, sealedFile.path],
            environment: ["EVIDENCE_KEY_PASSPHRASE": reviewerFixture.passphrase])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(digest(FileManager.default.contents(atPath: outputFile.path).map { [UInt8]($0) }) == digest(plaintext))
    }
}
