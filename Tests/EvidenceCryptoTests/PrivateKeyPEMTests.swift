import Foundation
import Testing
@testable import EvidenceCrypto

/// Each PBKDF2 run at 600,000 iterations costs about half a second, so these tests share one protected key.
@Suite struct PrivateKeyPEMTests {
    let fixture = reviewerFixture

    func writeFixture(in directory: URL) throws -> URL {
        let file = directory.appendingPathComponent("reviewer.key")
        try fixture.pem.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func isAnEncryptedPKCS8PEM() {
        #expect(fixture.pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
        #expect(fixture.pem.hasSuffix("-----END ENCRYPTED PRIVATE KEY-----\n"))
    }

    @Test func loadsBackWithThePassphrase() throws {
        let loaded = try X25519PrivateKey(encryptedPEM: fixture.pem, passphrase: fixture.passphrase)
        #expect(loaded.rawRepresentation == fixture.key.rawRepresentation)
    }

    @Test func wrongPassphrase() {
        #expect(throws: KeyError.wrongPassphrase) { try X25519PrivateKey(encryptedPEM: fixture.pem, passphrase: "incorrect horse") }
    }

    @Test func emptyPassphraseIsRefused() {
        #expect(throws: KeyError.emptyPassphrase) { try fixture.key.encryptedPEM(passphrase: "") }
    }

    @Test func openSSLAcceptsItAndDerivesTheSamePublicKey() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeFixture(in: directory)
        let result = try run("openssl", ["pkey", "-in", file.path, "-passin", "env:PASS", "-pubout"], environment: ["PASS": fixture.passphrase])
        #expect(result.status == 0)
        #expect(result.standardOutput == fixture.key.publicKey.pem)
    }

    @Test func usesPBKDF2SHA256With600000IterationsAndAES256CBC() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try writeFixture(in: directory)
        let result = try run("openssl", ["asn1parse", "-in", file.path])
        #expect(result.status == 0)
        let dump = result.standardOutput
        #expect(dump.contains(":PBES2"))
        #expect(dump.contains(":PBKDF2"))
        #expect(dump.contains(":hmacWithSHA256"))
        #expect(dump.contains(":aes-256-cbc"))
        #expect(dump.contains("INTEGER           :0927C0"))  // 600000
    }

    @Test func refusesUnencryptedAndForeignKeys() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = directory.appendingPathComponent("plain.pem")
        #expect(try run("openssl", ["genpkey", "-algorithm", "x25519", "-out", plain.path]).status == 0)
        #expect(throws: KeyError.unencryptedKey) {
            try X25519PrivateKey(encryptedPEM: String(contentsOf: plain, encoding: .utf8), passphrase: "x")
        }
        let ed25519 = directory.appendingPathComponent("ed25519.pem")
        #expect(try run("openssl", ["genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret", "-out", ed25519.path]).status == 0)
        #expect(throws: KeyError.notX25519) {
            try X25519PrivateKey(encryptedPEM: String(contentsOf: ed25519, encoding: .utf8), passphrase: "secret")
        }
        #expect(throws: KeyError.notAPrivateKey) { try X25519PrivateKey(encryptedPEM: fixture.key.publicKey.pem, passphrase: "x") }
        #expect(throws: KeyError.notAPrivateKey) {
            try X25519PrivateKey(encryptedPEM: "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", passphrase: "x")
        }
    }
}
