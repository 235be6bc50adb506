import Testing
@testable import EvidenceCrypto

/// The version-1 worked example of docs/FORMAT.md ("Test vectors"), which readers still open; keep the two in step.
@Suite struct FormatTestVectorTests {
    static let reviewerPrivateKey = Hex.decode("9cecb65cec939e4cb2b3e5e54db7c529b1cb04ff657112f52e07eec9ff59bde7")!
    static let plaintext = Array("evidence-drop test vector\n".utf8)
    static let sealed = Hex.decode([
        "45564944454e43452d5345414c45440a010001010060e38bcc80f659a86473d059dac9028a0edddd2ee216f85ac6b39a",
        "b435d9209d2079927dd4b103092dc735e83eda53a5f72f87c9433d148b4e33ca34349ed7659276a02a6873038f51f803",
        "e46e7183594d3c8e86e5126cb4f518ae304c42c0bbc868f2cee8317a46ee801aebffe2db992ee2f5c07d1abdd8907634",
        "80b5c609ebd7a42730e4f646388d75d7e2dc8ed71046f233307b12e04a5ec6705cbb448478f0f374f972182b9d8a8db0",
        "ebc788f4e60af0fffd5511e18b4ceae9",
    ].joined())!

    let reviewer = try! X25519PrivateKey(rawRepresentation: reviewerPrivateKey)

    @Test func reviewerKey() {
        #expect(Hex.encode(reviewer.publicKey.rawRepresentation) == "dd251ffee22c4ff10b3a8f7715769ed09bb7b59396d58fc8c9b076d25d156b76")
        #expect(reviewer.publicKey.fingerprint == "sha256:79927dd4b103092dc735e83eda53a5f7")
        #expect(SHA256Hasher.hash(Array("evidence-drop test vector reviewer".utf8)) == Self.reviewerPrivateKey)
    }

    @Test func intermediateValues() throws {
        guard case .complete(let header, let length) = try Self.sealed.withUnsafeBytes({ try SealedFileHeader.parse($0) }) else {
            Issue.record("the vector's header does not parse")
            return
        }
        #expect(length == 166)
        let ephemeral = Array(header.stanzas[0].body[0..<32])
        #expect(Hex.encode(ephemeral) == "e38bcc80f659a86473d059dac9028a0edddd2ee216f85ac6b39ab435d9209d20")
        let shared = try X25519.sharedSecret(privateKey: Self.reviewerPrivateKey, publicKey: ephemeral)
        #expect(Hex.encode(shared) == "aa701c8d97d46e95c15bcb551d2637b12f6df00bdfb21d123ddc49a54c084a24")
        let wrapKey = try X25519Stanza.wrapKey(
            sharedSecret: shared, ephemeralPublicKey: ephemeral, recipientPublicKey: reviewer.publicKey.rawRepresentation)
        #expect(Hex.encode(wrapKey) == "22d94a8446f176badbae4f8b18b3a7bcf8b5264c3669e9e7c9304ae3a285ea02")
        let fileKey = try reviewer.unwrapFileKey(from: header.stanzas)
        #expect(Hex.encode(fileKey) == "1d4e0cd808146a91db6661c5696e19a6ae2993124e6dd4b8905a778b4df38083")
        #expect(Hex.encode(header.payloadNonce) == "68f2cee8317a46ee801aebffe2db992e")
        #expect(Hex.encode(try SealedFileHeader.headerKey(fileKey: fileKey)) == "b2e631496162fa384eb98241281f861c831a6f396d801227b8fefe52640f9c22")
        #expect(Hex.encode(header.mac) == "e2f5c07d1abdd890763480b5c609ebd7a42730e4f646388d75d7e2dc8ed71046")
        let payloadKey = try SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: header.payloadNonce)
        #expect(Hex.encode(payloadKey) == "7ba3259596560d3ccf0564852e6a5fea3bdc26a3c6e32fc83bc7a4d75953e47c")
    }

    @Test func swiftReaderOpensIt() throws {
        #expect(try open(Self.sealed, with: reviewer, pieceSize: 1) == Self.plaintext)
    }

    @Test func pythonDecryptorOpensIt() throws {
        let result = try decryptWithPython(Self.sealed, identity: reviewer)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "evidence-drop test vector\n")
    }
}
