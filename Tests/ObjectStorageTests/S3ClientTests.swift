import EvidenceCrypto
import Foundation
import NIOCore
import Testing
import ObjectStorage
import S3TestSupport

/// Against a real S3 server (SeaweedFS on loopback), path-style addressing.
@Suite(.enabled(if: S3TestServer.isAvailable, Comment(rawValue: S3TestServer.unavailableReason)))
struct S3ClientTests {
    let prefix = UUID().uuidString.lowercased() + "/"

    static func collect(_ body: S3ObjectBody) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await block in body { bytes += block }
        return bytes
    }

    @Test func putHeadGetDeleteRoundTrip() async throws {
        let client = try await S3TestServer.client()
        let key = prefix + "sealed file$1 (copy).bin"
        let bytes = PseudoRandomBytes.bytes(seed: 1, count: 100_003)

        #expect(try await client.headObject(key) == nil)
        let etag = try await client.putObject(key, bytes: ByteBuffer(bytes: bytes))
        #expect(!etag.isEmpty)
        #expect(try await client.headObject(key) == 100_003)
        #expect(try await Self.collect(client.getObject(key)) == bytes)

        try await client.deleteObject(key)
        #expect(try await client.headObject(key) == nil)
        let missing = await #expect(throws: S3Error.self) { try await client.getObject(key) }
        #expect(missing?.operation == .getObject)
        #expect(missing?.status == 404)
        #expect(missing?.code == "NoSuchKey")
    }

    @Test func emptyObjectRoundTrip() async throws {
        let client = try await S3TestServer.client()
        let key = prefix + "empty"
        try await client.putObject(key, bytes: ByteBuffer())
        #expect(try await client.headObject(key) == 0)
        #expect(try await Self.collect(client.getObject(key)).isEmpty)
    }

    @Test func rangedGetReturnsExactlyTheBytesAsked() async throws {
        let client = try await S3TestServer.client()
        let key = prefix + "ranged"
        let bytes = PseudoRandomBytes.bytes(seed: 2, count: 10_000)
        try await client.putObject(key, bytes: ByteBuffer(bytes: bytes))

        #expect(try await Self.collect(client.getObject(key, range: 0...0)) == [bytes[0]])
        #expect(try await Self.collect(client.getObject(key, range: 1234...5677)) == Array(bytes[1234...5677]))
        #expect(try await Self.collect(client.getObject(key, range: 9990...9999)) == Array(bytes[9990...9999]))
    }

    @Test func wrongSecretKeyIsRefused() async throws {
        let client = try await S3TestServer.client()
        let key = prefix + "guarded"
        try await client.putObject(key, bytes: ByteBuffer(string: "evidence"))

        let impostor = S3Client(configuration: try await S3TestServer.configurationWithWrongSecret())
        let readRefusal = await #expect(throws: S3Error.self) { try await impostor.getObject(key) }
        #expect(readRefusal?.status == 403)
        #expect(readRefusal?.code == "SignatureDoesNotMatch")
        let writeRefusal = await #expect(throws: S3Error.self) {
            try await impostor.putObject(key, bytes: ByteBuffer(string: "forged"))
        }
        #expect(writeRefusal?.operation == .putObject)
        #expect(writeRefusal?.code == "SignatureDoesNotMatch")
        #expect(try await Self.collect(client.getObject(key)) == Array("evidence".utf8))
    }
}
