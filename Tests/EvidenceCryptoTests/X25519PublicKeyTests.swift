import Foundation
import Testing
@testable import EvidenceCrypto

@Suite struct X25519PublicKeyTests {
    // RFC 7748 section 6.1.
    static let alicePrivate = Hex.decode("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")!
    static let alicePublic = Hex.decode("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")!
    static let bobPrivate = Hex.decode("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")!
    static let bobPublic = Hex.decode("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")!

    @Test func rfc7748KeysAndAgreement() throws {
        #expect(try X25519PrivateKey(rawRepresentation: Self.alicePrivate).publicKey.rawRepresentation == Self.alicePublic)
        #expect(try X25519PrivateKey(rawRepresentation: Self.bobPrivate).publicKey.rawRepresentation == Self.bobPublic)
        let shared = try X25519.sharedSecret(privateKey: Self.alicePrivate, publicKey: Self.bobPublic)
        #expect(Hex.encode(shared) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        #expect(try X25519.sharedSecret(privateKey: Self.bobPrivate, publicKey: Self.alicePublic) == shared)
    }

    @Test("a public key derived from a private key passes the low-order check that its derivation skips")
    func derivedKeysPassTheCheck() throws {
        for _ in 0..<64 {
            let derived = X25519PrivateKey.generate().publicKey
            #expect(try X25519PublicKey(rawRepresentation: derived.rawRepresentation) == derived)
        }
    }

    @Test func rejectsWrongLengthAndDegeneratePoints() {
        #expect(throws: KeyError.invalidRawKeyLength(31)) { try X25519PublicKey(rawRepresentation: [UInt8](repeating: 9, count: 31)) }
        #expect(throws: KeyError.invalidRawKeyLength(0)) { try X25519PrivateKey(rawRepresentation: []) }
        #expect(throws: KeyError.degeneratePublicKey) { try X25519PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: KeyError.degeneratePublicKey) { try X25519PublicKey(rawRepresentation: [1] + [UInt8](repeating: 0, count: 31)) }
    }

    @Test func fingerprintIsTruncatedSHA256OfRawKey() throws {
        let key = try X25519PublicKey(rawRepresentation: Self.alicePublic)
        #expect(key.fingerprint == "sha256:" + Hex.encode(SHA256Hasher.hash(Self.alicePublic).prefix(16)))
        #expect(key.fingerprint.count == 7 + 32)
    }

    @Test func pemRoundTripsAndMatchesOpenSSL() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let privateFile = directory.appendingPathComponent("key.pem")
        #expect(try run("openssl", ["genpkey", "-algorithm", "x25519", "-out", privateFile.path]).status == 0)
        let fromOpenSSL = try run("openssl", ["pkey", "-in", privateFile.path, "-pubout"])
        #expect(fromOpenSSL.status == 0)
        let key = try X25519PublicKey(pem: fromOpenSSL.standardOutput)
        #expect(key.pem == fromOpenSSL.standardOutput)
        #expect(try X25519PublicKey(pem: key.pem) == key)
    }

    @Test func rejectsOtherPEMs() {
        // RFC 8410 section 10.1: an Ed25519 public key.
        let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"
        #expect(throws: KeyError.notX25519) { try X25519PublicKey(pem: ed25519) }
        #expect(throws: KeyError.notAPublicKey) { try X25519PublicKey(pem: "hello") }
        #expect(throws: KeyError.notAPublicKey) { try X25519PublicKey(pem: reviewerFixture.pem) }
    }
}
