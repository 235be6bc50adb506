import Foundation
import Testing
@testable import EvidenceCrypto

/// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
func patternedBytes(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        for shift in stride(from: 0, to: 64, by: 8) where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: z >> UInt64(shift))
            index += 1
        }
    }
    return bytes
}

/// Feeds `input` to `update` in pieces of `pieceSize` bytes, then calls `finish`, and concatenates the outputs.
func feed(
    _ input: [UInt8], pieceSize: Int, update: ([UInt8].SubSequence) throws -> [UInt8], finish: () throws -> [UInt8]
) throws -> [UInt8] {
    var output: [UInt8] = []
    var offset = 0
    while offset < input.count {
        let end = min(offset + pieceSize, input.count)
        output += try update(input[offset..<end])
        offset = end
    }
    output += try finish()
    return output
}

func seal(_ plaintext: [UInt8], to recipients: [X25519PublicKey], pieceSize: Int = 100_000) throws -> [UInt8] {
    let writer = try SealedFileWriter(recipients: recipients)
    return try feed(plaintext, pieceSize: pieceSize, update: writer.update, finish: writer.finish)
}

func open(_ sealed: [UInt8], with identity: X25519PrivateKey, pieceSize: Int = 100_000) throws -> [UInt8] {
    let reader = SealedFileReader(identity: identity)
    return try feed(sealed, pieceSize: pieceSize, update: reader.update, finish: reader.finish)
}

/// A sealed file of format `version` built by hand around `payload`, the plaintext as stored (for version 2, the
/// file's bytes with their padding, see `padded`), with `leadingStanzas` before the recipients' own.
func handSealed(
    _ payload: [UInt8], version: UInt8, to recipients: [X25519PublicKey], leadingStanzas: [RecipientStanza] = []
) throws -> [UInt8] {
    let fileKey = SecureRandom.bytes(count: 32)
    let payloadNonce = SecureRandom.bytes(count: 16)
    let stanzas = try leadingStanzas + recipients.map { try $0.stanza(wrapping: fileKey) }
    let header = try SealedFileHeader.encode(version: version, stanzas: stanzas, payloadNonce: payloadNonce, fileKey: fileKey)
    let encryptor = try ChunkedStreamEncryptor(key: SealedFileHeader.payloadKey(fileKey: fileKey, payloadNonce: payloadNonce))
    return header + (try encryptor.update(payload)) + (try encryptor.finish())
}

/// `file` followed by its version-2 padding: 0x80, then zeros up to Padmé(P + 1) bytes.
func padded(_ file: [UInt8]) -> [UInt8] {
    file + [0x80] + [UInt8](repeating: 0, count: Padme.paddedLength(file.count + 1) - file.count - 1)
}

/// The length of a version-2 sealed file of `size` bytes: header, padded plaintext, and a tag per chunk.
func sealedLength(ofFileSize size: Int, recipients: Int) -> Int {
    let padded = Padme.paddedLength(size + 1)
    return headerLength(recipients: recipients) + padded + 16 * ((padded + 65535) / 65536)
}

/// Bytes given to a parameterised test, shown in its output by name rather than byte by byte.
struct NamedBytes: CustomTestStringConvertible, Sendable {
    let testDescription: String
    let bytes: [UInt8]

    init(_ name: String, _ bytes: [UInt8]) {
        testDescription = name
        self.bytes = bytes
    }
}

/// Files that end like padding (0x80, zeros) or hold long runs of zeros: only the padding after them may go.
let filesEndingLikePadding = [
    NamedBytes("80", [0x80]), NamedBytes("80 00", [0x80, 0]), NamedBytes("00 00 00", [0, 0, 0]),
    NamedBytes("01 80 00 00 00", [1, 0x80, 0, 0, 0]), NamedBytes("80 80", [0x80, 0x80]), NamedBytes("80 00 80 00", [0x80, 0, 0x80, 0]),
    NamedBytes("65535 bytes, then 80", patternedBytes(count: 65535) + [0x80]),
    NamedBytes("65534 bytes, then 80 00 00", patternedBytes(count: 65534) + [0x80, 0, 0]),
    NamedBytes("100000 bytes, 80, 300000 zeros", patternedBytes(count: 100_000) + [0x80] + [UInt8](repeating: 0, count: 300_000)),
    NamedBytes("80, 600000 zeros, 01", [0x80] + [UInt8](repeating: 0, count: 600_000) + [1]),
    NamedBytes("200000 zeros", [UInt8](repeating: 0, count: 200_000)),
]

/// Runs Scripts/decrypt_sealed.py on `sealed` with `identity`, saved under a passphrase; the plaintext is its standard output.
func decryptWithPython(_ sealed: [UInt8], identity: X25519PrivateKey) throws -> ProcessResult {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let keyFile = directory.appendingPathComponent("reviewer.key")
    try identity.encryptedPEM(passphrase: "vector").write(to: keyFile, atomically: true, encoding: .utf8)
    let sealedFile = directory.appendingPathComponent("file.sealed")
    try Data(sealed).write(to: sealedFile)
    let script = repositoryRoot.appendingPathComponent("Scripts/decrypt_sealed.py").path
    return try run("python3", [script, "--key", keyFile.path, "--out", "-", sealedFile.path], environment: ["EVIDENCE_KEY_PASSPHRASE": "vector"])
}

/// SHA-256 in hex, so large byte arrays compare with short failure messages.
func digest(_ bytes: [UInt8]?) -> String? {
    bytes.map { Hex.encode(SHA256Hasher.hash($0)) }
}

/// Sizes that sit on and around the 64 KiB chunk boundaries.
let boundarySizes = [0, 1, 65535, 65536, 65537, 3 * 65536]

/// Header length of a sealed file with `recipients` X25519 stanzas.
func headerLength(recipients: Int) -> Int {
    16 + 1 + 2 + recipients * (3 + 96) + 16 + 32
}

/// One passphrase-protected reviewer key shared by the tests, since each PBKDF2 run costs about half a second.
struct ReviewerKeyFixture: Sendable {
    let key: X25519PrivateKey
    let passphrase: String
    let pem: String

    init() {
        key = X25519PrivateKey.generate()
        passphrase = "correct horse battery staple ✓"
        pem = try! key.encryptedPEM(passphrase: passphrase)
    }
}

let reviewerFixture = ReviewerKeyFixture()

/// A scratch directory removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-crypto-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The repository root, found from this file's path (through symlinks, so scratch packages work too).
let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

struct ProcessResult {
    let status: Int32
    let standardOutput: String
    let standardError: String
}

/// Runs a program found on PATH (or at an absolute path) and collects its output.
func run(_ program: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> ProcessResult {
    // Output goes to files, not pipes, so a chatty child can never block on a full pipe.
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let outputURL = directory.appendingPathComponent("stdout")
    let errorURL = directory.appendingPathComponent("stderr")
    try Data().write(to: outputURL)
    try Data().write(to: errorURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus,
        standardOutput: try String(contentsOf: outputURL, encoding: .utf8),
        standardError: try String(contentsOf: errorURL, encoding: .utf8))
}
