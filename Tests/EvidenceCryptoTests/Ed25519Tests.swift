import Foundation
import Testing
@testable import EvidenceCrypto

@Suite struct Ed25519Tests {
    /// RFC 8032 section 7.1, tests 1 to 3: secret key, public key, message, signature.
    static let rfc8032: [(String, String, String, String)] = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ]

    @Test(arguments: 0..<3)
    func rfc8032Vectors(test: Int) throws {
        let (secret, publicKey, message, signature) = Self.rfc8032[test]
        let key = try Ed25519PrivateKey(rawRepresentation: Hex.decode(secret)!)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == publicKey)
        #expect(Hex.encode(key.signature(for: Hex.decode(message)!)) == signature)
        #expect(key.publicKey.isValidSignature(Hex.decode(signature)!, for: Hex.decode(message)!))
    }

    @Test func signsVerifiesAndRejectsChanges() throws {
        let key = Ed25519PrivateKey.generate()
        let message = Array("checkpoint".utf8)
        var signature = key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        #expect(!Ed25519PrivateKey.generate().publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        signature[10] ^= 1
        #expect(!key.publicKey.isValidSignature(signature, for: message))
    }

    @Test func pemRoundTrips() throws {
        let key = Ed25519PrivateKey.generate()
        #expect(key.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(try Ed25519PrivateKey(pem: key.pem).rawRepresentation == key.rawRepresentation)
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try Ed25519PublicKey(pem: key.publicKey.pem) == key.publicKey)
    }

    @Test func refusesOtherKeysWithClearErrors() throws {
        #expect(throws: SigningKeyError.invalidRawKeyLength(31)) { try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: SigningKeyError.invalidRawKeyLength(33)) { try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33)) }
        #expect(throws: SigningKeyError.notAPrivateKey) { try Ed25519PrivateKey(pem: "hello") }
        #expect(throws: SigningKeyError.notAPublicKey) { try Ed25519PublicKey(pem: "hello") }
        #expect(throws: SigningKeyError.encryptedKey) { try Ed25519PrivateKey(pem: reviewerFixture.pem) }
        let x25519 = try X25519PrivateKey.generate().encryptedPEM(passphrase: "p")
        #expect(throws: SigningKeyError.encryptedKey) { try Ed25519PrivateKey(pem: x25519) }
        #expect(throws: SigningKeyError.notEd25519) { try Ed25519PublicKey(pem: reviewerFixture.key.publicKey.pem) }
    }

    @Test func interoperatesWithOpenSSL() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let message = patternedBytes(count: 1000, seed: 7)
        try Data(message).write(to: URL(fileURLWithPath: path("message")))

        // OpenSSL reads our PEMs and checks our signature.
        let ours = Ed25519PrivateKey.generate()
        try ours.pem.write(toFile: path("ours.pem"), atomically: true, encoding: .utf8)
        try ours.publicKey.pem.write(toFile: path("ours.pub"), atomically: true, encoding: .utf8)
        try Data(ours.signature(for: message)).write(to: URL(fileURLWithPath: path("ours.sig")))
        let derived = try run("openssl", ["pkey", "-in", path("ours.pem"), "-pubout"])
        #expect(derived.status == 0, "\(derived.standardError)")
        #expect(derived.standardOutput == ours.publicKey.pem)
        let checked = try run("openssl", [
            "pkeyutl", "-verify", "-pubin", "-inkey", path("ours.pub"), "-rawin", "-in", path("message"), "-sigfile", path("ours.sig"),
        ])
        #expect(checked.status == 0, "\(checked.standardOutput) \(checked.standardError)")

        // We read OpenSSL's key and check its signature.
        #expect(try run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", path("theirs.pem")]).status == 0)
        #expect(try run("openssl", ["pkeyutl", "-sign", "-inkey", path("theirs.pem"), "-rawin", "-in", path("message"), "-out", path("theirs.sig")]).status == 0)
        let theirs = try Ed25519PrivateKey(pem: String(contentsOfFile: path("theirs.pem"), encoding: .utf8))
        let signature = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path("theirs.sig"))))
        #expect(theirs.publicKey.isValidSignature(signature, for: message))
        #expect(theirs.signature(for: message) == signature)
    }
}
