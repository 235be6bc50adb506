import Foundation
import Testing
@testable import EvidenceCrypto

@Suite struct SHA256HasherTests {
    @Test func knownVectors() {
        // FIPS 180-2 examples.
        #expect(Hex.encode(SHA256Hasher.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256Hasher.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let hasher = SHA256Hasher()
        let thousandA = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(thousandA) }
        #expect(Hex.encode(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [1, 7, 65536, 100_000])
    func streamingInPiecesEqualsOneShot(pieceSize: Int) {
        let data = patternedBytes(count: 300_001)
        let hasher = SHA256Hasher()
        var offset = 0
        while offset < data.count {
            let end = min(offset + pieceSize, data.count)
            if pieceSize == 7 {
                data[offset..<end].withUnsafeBytes { hasher.update($0) }
            } else {
                hasher.update(data[offset..<end])
            }
            offset = end
        }
        #expect(hasher.finalize() == SHA256Hasher.hash(data))
    }

    @Test func aCopyGoesOnIndependently() {
        let data = patternedBytes(count: 100_003, seed: 4)
        let original = SHA256Hasher()
        original.update(data[..<40_000])
        let copy = original.copy()
        copy.update(data[40_000...])
        original.update([1, 2, 3])
        #expect(copy.finalize() == SHA256Hasher.hash(data))
        #expect(original.finalize() == SHA256Hasher.hash(Array(data[..<40_000]) + [1, 2, 3]))
    }

    @Test func matchesSha256sum() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data")
        let data = patternedBytes(count: 2_000_003, seed: 9)
        try Data(data).write(to: file)
        let result = try run("sha256sum", [file.path])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix(Hex.encode(SHA256Hasher.hash(data)) + " "))
    }
}
