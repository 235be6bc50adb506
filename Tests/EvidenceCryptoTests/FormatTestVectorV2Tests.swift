import Testing
@testable import EvidenceCrypto

/// The version-2 worked example of docs/FORMAT.md ("Test vectors"); keep the two in step. Its random
/// values are SHA-256 of fixed texts, so the vector is rebuilt here byte for byte from the format's definitions.
@Suite struct FormatTestVectorV2Tests {
    static let reviewerPrivateKey = SHA256Hasher.hash(Array("evidence-drop test vector reviewer".utf8))
    static let ephemeralPrivateKey = SHA256Hasher.hash(Array("evidence-drop test vector v2 ephemeral".utf8))
    static let fileKey = SHA256Hasher.hash(Array("evidence-drop test vector v2 file key".utf8))
    static let payloadNonce = Array(SHA256Hasher.hash(Array("evidence-drop test vector v2 payload nonce".utf8)).prefix(16))
    static let plaintext = Array("evidence-drop test vector, v2: 64 bytes, then 0x80 and 7 zeros.\n".utf8)
    static let sealed = Hex.decode([
        "45564944454e43452d5345414c45440a020001010060e2eb07dedae30fd286d5b01dbcd48842c5803d2f961dbcff7285",
        "53b28bc5c84c79927dd4b103092dc735e83eda53a5f74cad5f24748074af31d7c0a0c08106ef96df3ff5e919c2eef3c9",
        "27fd6b54c2ab5a5cec4cc1d5da31582562a8561da5b3006b472acb410c9c9477eef66bcde12214c876a05e8942c680cf",
        "85f90633bfdbd7359382fbc72fb97bd578120ad7d5f56f392804dcd39272e6219d6c74735fbbf1c79fee9f1545d0f00e",
        "12e1b8870d0a61d9d8a139a69d8ed8fab0be781023ccc7e9d7a3b8ed0411fbf9853d391680162d8abda83f07ba767648",
        "9edbd9540db677cf635ca3586588",
    ].joined())!

    let reviewer = try! X25519PrivateKey(rawRepresentation: reviewerPrivateKey)

    @Test func derivedInputs() throws {
        #expect(Hex.encode(Self.ephemeralPrivateKey) == "1f6bde89a99fd64a5b9870823a3c0a3b740576d1f5107da281a4d84d817ba1f9")
        #expect(Hex.encode(try X25519PrivateKey(rawRepresentation: Self.ephemeralPrivateKey).publicKey.rawRepresentation)
            == "e2eb07dedae30fd286d5b01dbcd48842c5803d2f961dbcff728553b28bc5c84c")
        #expect(Hex.encode(Self.fileKey) == "26d8cff49bf24e09cfda42c2b9f3f461c35c99c780ea45fa3aab8e676e4041e4")
        #expect(Hex.encode(Self.payloadNonce) == "006b472acb410c9c9477eef66bcde122")
        #expect(Self.plaintext.count == 64 && Padme.paddedLength(65) == 72)
    }

    /// Every step of docs/FORMAT.md in turn, each checked against the value written there.
    @Test func rebuiltFromTheFormat() throws {
        let ephemeralPublic = try X25519PrivateKey(rawRepresentation: Self.ephemeralPrivateKey).publicKey.rawRepresentation
        let recipientPublic = reviewer.publicKey.rawRepresentation
        let shared = try X25519.sharedSecret(privateKey: Self.ephemeralPrivateKey, publicKey: recipientPublic)
        #expect(Hex.encode(shared) == "5e872160b48192b189966071fb3fe42e6f3e5127419793c1ae6e057896d5aa1b")
        let wrapKey = try X25519Stanza.wrapKey(sharedSecret: shared, ephemeralPublicKey: ephemeralPublic, recipientPublicKey: recipientPublic)
        #expect(Hex.encode(wrapKey) == "6a96d7cd21d9e9c43dcae820022d1bcc59fe82eb6386c4b09661683b0c3db1a1")
        let wrapped = try AESGCM(key: wrapKey, encrypting: true).seal(Self.fileKey, nonce: X25519Stanza.wrapNonce)
        #expect(Hex.encode(wrapped) == "4cad5f24748074af31d7c0a0c08106ef96df3ff5e919c2eef3c927fd6b54c2ab5a5cec4cc1d5da31582562a8561da5b3")
        let stanza = RecipientStanza(type: RecipientStanza.x25519Type, body: ephemeralPublic + reviewer.publicKey.keyID + wrapped)
        #expect(Hex.encode(try SealedFileHeader.headerKey(fileKey: Self.fileKey)) == "bfc10250d83331a7dc18d6d8dd02adb6602626101910178403713475fc969549")
        let header = try SealedFileHeader.encode(version: 2, stanzas: [stanza], payloadNonce: Self.payloadNonce, fileKey: Self.fileKey)
        #expect(Hex.encode(Array(header.suffix(32))) == "14c876a05e8942c680cf85f90633bfdbd7359382fbc72fb97bd578120ad7d5f5")
        let payloadKey = try SealedFileHeader.payloadKey(fileKey: Self.fileKey, payloadNonce: Self.payloadNonce)
        #expect(Hex.encode(payloadKey) == "35a9ef486a787617956f53b30c159fcb165a525a0895532894db074e2f8f479f")
        let paddedPlaintext = Self.plaintext + [0x80] + [UInt8](repeating: 0, count: 7)
        #expect(padded(Self.plaintext) == paddedPlaintext)
        let chunk = try AESGCM(key: payloadKey, encrypting: true).seal(paddedPlaintext, nonce: ChunkedStream.nonce(index: 0, last: true))
        #expect(header + chunk == Self.sealed)
        #expect(Self.sealed.count == 166 + 72 + 16)
    }

    @Test func swiftReaderOpensIt() throws {
        #expect(try open(Self.sealed, with: reviewer, pieceSize: 1) == Self.plaintext)
    }

    @Test func pythonDecryptorOpensIt() throws {
        let result = try decryptWithPython(Self.sealed, identity: reviewer)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(Array(result.standardOutput.utf8) == Self.plaintext)
    }
}
