import Foundation
import Testing
@testable import EvidenceCrypto

/// Scripts/decrypt_sealed.py is the independent reader of docs/FORMAT.md: it must open what Swift seals.
@Suite struct PythonDecryptorTests {
    let script = repositoryRoot.appendingPathComponent("Scripts/decrypt_sealed.py").path
    let fixture = reviewerFixture
    let directory: URL
    let keyFile: URL

    init() throws {
        directory = try makeTemporaryDirectory()
        keyFile = directory.appendingPathComponent("reviewer.key")
        try fixture.pem.write(to: keyFile, atomically: true, encoding: .utf8)
    }

    /// Writes `sealed` to disk, runs the script with `python` and returns its result and output bytes (nil if no output file).
    func decrypt(_ sealed: [UInt8], python: String = "python3", passphrase: String? = nil) throws -> (ProcessResult, [UInt8]?) {
        defer { try? FileManager.default.removeItem(at: directory) }
        let sealedFile = directory.appendingPathComponent("file.sealed")
        let outputFile = directory.appendingPathComponent("file.out")
        try Data(sealed).write(to: sealedFile)
        let result = try run(
            python, [script, "--key", keyFile.path, "--out", outputFile.path, sealedFile.path],
            environment: ["EVIDENCE_KEY_PASSPHRASE": passphrase ?? fixture.passphrase])
        let output = FileManager.default.contents(atPath: outputFile.path).map { [UInt8]($0) }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(leftovers == (output == nil ? ["file.sealed", "reviewer.key"] : ["file.out", "file.sealed", "reviewer.key"]))
        return (result, output)
    }

    func expectFailure(_ sealed: [UInt8], message: String, passphrase: String? = nil) throws {
        let (result, output) = try decrypt(sealed, passphrase: passphrase)
        #expect(result.status == 1)
        #expect(result.standardError == "error: \(message)\n")
        #expect(output == nil)
    }

    @Test(arguments: [0, 1, 65536, 65537, 200_003])
    func opensSwiftSealedFiles(size: Int) throws {
        let plaintext = patternedBytes(count: size, seed: UInt64(size) + 11)
        let other = X25519PrivateKey.generate()
        let sealed = try seal(plaintext, to: [other.publicKey, fixture.key.publicKey])
        let (result, output) = try decrypt(sealed)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(digest(output) == digest(plaintext))
    }

    @Test(arguments: [0, 1, 65536, 200_003])
    func opensVersionOneFiles(size: Int) throws {
        let plaintext = patternedBytes(count: size, seed: UInt64(size) + 12)
        let (result, output) = try decrypt(try handSealed(plaintext, version: 1, to: [fixture.key.publicKey]))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(digest(output) == digest(plaintext))
    }

    /// The file's own 0x80 and zeros, up to a run of several chunks, come out; only the padding after them is taken off.
    @Test(arguments: filesEndingLikePadding)
    func opensFilesEndingLikePadding(file: NamedBytes) throws {
        let (result, output) = try decrypt(try seal(file.bytes, to: [fixture.key.publicKey]))
        #expect(result.status == 0, "\(result.standardError)")
        #expect(digest(output) == digest(file.bytes))
    }

    @Test(arguments: [
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0x01], "the plaintext does not end with 0x80 and zero bytes"),
        ([], "the plaintext does not end with 0x80 and zero bytes"),
        ([1, 2, 3, 4, 5, 6, 7, 8, 0x80, 0, 0, 0], "3 zero bytes follow the 0x80 that ends a file of 8 bytes, instead of 1"),
    ] as [([UInt8], String)])
    func wrongPaddingIsReported(payload: [UInt8], reason: String) throws {
        try expectFailure(try handSealed(payload, version: 2, to: [fixture.key.publicKey]), message: "the padding is malformed: \(reason)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func worksWithTheSystemPython() throws {
        let plaintext = patternedBytes(count: 131_073, seed: 5)
        let (result, output) = try decrypt(try seal(plaintext, to: [fixture.key.publicKey]), python: "/usr/bin/python3")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(digest(output) == digest(plaintext))
    }

    @Test func flippedByteIsReportedWithItsChunk() throws {
        var sealed = try seal(patternedBytes(count: 3 * 65536), to: [fixture.key.publicKey])
        sealed[headerLength(recipients: 1) + 65552 + 9] ^= 0x04
        try expectFailure(sealed, message: "chunk 1 failed authentication: the file is damaged or was altered")
    }

    @Test func truncatedFileIsReported() throws {
        let size = 3 * 65536 + 1
        let sealed = try seal(patternedBytes(count: size), to: [fixture.key.publicKey])
        let lastChunk = (Padme.paddedLength(size + 1) - 1) % 65536 + 1 + 16
        try expectFailure(Array(sealed.dropLast(lastChunk)), message: "file is truncated")
    }

    @Test func fileForAnotherKeyIsReported() throws {
        let sealed = try seal([1, 2, 3], to: [X25519PrivateKey.generate().publicKey])
        try expectFailure(sealed, message: "this file was not sealed to this key")
    }

    @Test func wrongPassphraseIsReported() throws {
        let sealed = try seal([1, 2, 3], to: [fixture.key.publicKey])
        try expectFailure(sealed, message: "wrong passphrase for the key", passphrase: "not the passphrase")
    }

    @Test func usageErrorsExitWithTwo() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run("python3", [script, directory.appendingPathComponent("missing.sealed").path])
        #expect(result.status == 2)
        let missing = try run("python3", [script, "--key", keyFile.path, "--out", "-", directory.appendingPathComponent("missing.sealed").path])
        #expect(missing.status == 2)
        #expect(missing.standardError.hasPrefix("error: cannot read "))
    }
}
