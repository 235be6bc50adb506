import EvidenceCrypto
import Foundation
import Testing
@testable import ObjectStorage

/// The examples of AWS's "Signature Calculations for the Authorization Header: Transferring Payload in a Single
/// Chunk" (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html): example credentials, 24 May
/// 2013, us-east-1, bucket examplebucket addressed by virtual host. The expected signatures are the ones printed
/// there.
@Suite struct SigV4SignerTests {
    static let signer = SigV4Signer(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1")
    static let timestamp = SigV4Timestamp(Date(timeIntervalSince1970: 1_369_353_600))
    static let host = "examplebucket.s3.amazonaws.com"

    @Test func timestampIsUTCInBothForms() {
        #expect(Self.timestamp.amzDate == "20130524T000000Z")
        #expect(Self.timestamp.dateStamp == "20130524")
        #expect(SigV4Timestamp(Date(timeIntervalSince1970: 1_700_000_000.9)).amzDate == "20231114T221320Z")
    }

    @Test func getObjectWithRange() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/test.txt",
            headers: [
                ("Host", Self.host), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
                ("x-amz-date", Self.timestamp.amzDate),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let canonical = Self.signer.canonicalRequest(for: request)
        #expect(
            canonical.text == """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """)
        #expect(
            Self.signer.stringToSign(canonicalRequest: canonical.text, at: Self.timestamp) == """
                AWS4-HMAC-SHA256
                20130524T000000Z
                20130524/us-east-1/s3/aws4_request
                7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972
                """)
        #expect(
            Self.signer.authorization(for: request, at: Self.timestamp)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithSignedPayloadAndEncodedKey() {
        let payload = Array("Welcome to Amazon S3.".utf8)
        let payloadHash = Hex.encode(SHA256Hasher.hash(payload))
        #expect(payloadHash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Request(
            method: "PUT", encodedPath: "/" + S3URIEncoding.encodePath("test$file.text"),
            headers: [
                ("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            payloadHash: payloadHash)
        let headers = Self.signer.signingHeaders(for: request, at: Self.timestamp)
        #expect(headers.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "Authorization"])
        #expect(headers[0].value == "20130524T000000Z")
        #expect(headers[1].value == payloadHash)
        #expect(
            headers[2].value
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class,"
                + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleWithValuelessParameter() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")], headers: [("Host", Self.host)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(Self.signer.canonicalRequest(for: request).text.split(separator: "\n", omittingEmptySubsequences: false)[2] == "lifecycle=")
        #expect(
            Self.signer.signingHeaders(for: request, at: Self.timestamp)[2].value.hasSuffix(
                "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                    + "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"))
    }

    @Test func listObjectsWithQuerySorted() {
        // Given out of order: the canonical query is sorted by name.
        let request = SigV4Request(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", Self.host)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(
            Self.signer.signingHeaders(for: request, at: Self.timestamp)[2].value.hasSuffix(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
    }

    @Test func anyChangeChangesTheSignature() {
        let base = SigV4Request(
            method: "GET", encodedPath: "/test.txt", headers: [("Host", Self.host)], payloadHash: SigV4Signer.unsignedPayload)
        let reference = Self.signer.signingHeaders(for: base, at: Self.timestamp)[2].value
        var otherPath = base
        otherPath.encodedPath = "/test.txu"
        var otherPayload = base
        otherPayload.payloadHash = SigV4Signer.emptyPayloadHash
        let otherRegion = SigV4Signer(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "eu-west-1")
        #expect(Self.signer.signingHeaders(for: otherPath, at: Self.timestamp)[2].value != reference)
        #expect(Self.signer.signingHeaders(for: otherPayload, at: Self.timestamp)[2].value != reference)
        #expect(otherRegion.signingHeaders(for: base, at: Self.timestamp)[2].value != reference)
    }

    @Test func headerValuesAreTrimmedAndSpacesCollapsed() {
        let request = SigV4Request(
            method: "GET", encodedPath: "/", headers: [("Host", Self.host), ("X-Amz-Meta-Note", "  a   b  ")],
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(Self.signer.canonicalRequest(for: request).text.contains("\nx-amz-meta-note:a b\n"))
    }

    @Test func uriEncodingFollowsS3() {
        #expect(S3URIEncoding.encode("a-b_c.d~e", keepingSlash: false) == "a-b_c.d~e")
        #expect(S3URIEncoding.encode("a b+c/d=é", keepingSlash: false) == "a%20b%2Bc%2Fd%3D%C3%A9")
        #expect(S3URIEncoding.encodePath("dir one/file$(1).bin") == "dir%20one/file%24%281%29.bin")
    }
}
