import Foundation
import Testing
@testable import ObjectStorage

@Suite struct S3RequestTargetTests {
    static func configuration(_ endpoint: String, _ style: S3AddressingStyle) -> S3Configuration {
        S3Configuration(
            endpoint: URL(string: endpoint)!, bucket: "examplebucket", accessKeyID: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", addressingStyle: style)
    }

    @Test func pathStylePutsTheBucketInThePath() {
        let target = S3RequestTarget(
            configuration: Self.configuration("http://127.0.0.1:8333", .path), key: "ab/a b$c",
            query: [("partNumber", "3"), ("uploadId", "x/y=")])
        #expect(target.host == "127.0.0.1:8333")
        #expect(target.encodedPath == "/examplebucket/ab/a%20b%24c")
        #expect(target.url == "http://127.0.0.1:8333/examplebucket/ab/a%20b%24c?partNumber=3&uploadId=x%2Fy%3D")
        #expect(S3RequestTarget(configuration: Self.configuration("http://h:1", .path), key: nil).encodedPath == "/examplebucket")
    }

    @Test func virtualHostStylePutsTheBucketInTheHost() {
        let target = S3RequestTarget(configuration: Self.configuration("https://s3.amazonaws.com", .virtualHost), key: "test.txt")
        #expect(target.host == "examplebucket.s3.amazonaws.com")
        #expect(target.encodedPath == "/test.txt")
        #expect(target.url == "https://examplebucket.s3.amazonaws.com/test.txt")
        let bucket = S3RequestTarget(
            configuration: Self.configuration("http://s3.local:8333", .virtualHost), key: nil, query: [("uploads", "")])
        #expect(bucket.host == "examplebucket.s3.local:8333")
        #expect(bucket.url == "http://examplebucket.s3.local:8333/?uploads")
    }

    @Test func defaultPortsStayOutOfTheHostHeader() {
        #expect(S3RequestTarget(configuration: Self.configuration("https://h:443", .path), key: "k").host == "h")
        #expect(S3RequestTarget(configuration: Self.configuration("http://h:80", .path), key: "k").host == "h")
        #expect(S3RequestTarget(configuration: Self.configuration("https://h:8443", .path), key: "k").host == "h:8443")
    }

    /// A request built through the virtual-host target signs as AWS's GET Object example does.
    @Test func virtualHostRequestIsSignedAsAWSExample() {
        let target = S3RequestTarget(configuration: Self.configuration("https://s3.amazonaws.com", .virtualHost), key: "test.txt")
        let request = SigV4Request(
            method: "GET", encodedPath: target.encodedPath, headers: [("host", target.host), ("range", "bytes=0-9")],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let headers = SigV4SignerTests.signer.signingHeaders(for: request, at: SigV4SignerTests.timestamp)
        #expect(headers[2].value.hasSuffix("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"))
    }
}
