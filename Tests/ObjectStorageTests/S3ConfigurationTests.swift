import Foundation
import Testing
@testable import ObjectStorage

@Suite struct S3ConfigurationTests {
    @Test func readsTheURLForm() throws {
        let configuration = try S3Configuration(
            s3URL: "s3://AKID:wJal%2FK7%2B%3A%40x@127.0.0.1:8333/evidence?region=eu-central-1&style=path&scheme=http")
        #expect(configuration.endpoint.absoluteString == "http://127.0.0.1:8333")
        #expect(configuration.bucket == "evidence")
        #expect(configuration.region == "eu-central-1")
        #expect(configuration.accessKeyID == "AKID")
        #expect(configuration.secretAccessKey == "wJal/K7+:@x")
        #expect(configuration.addressingStyle == .path)
    }

    @Test func urlDefaultsAreHTTPSUSEast1AndPathStyle() throws {
        let configuration = try S3Configuration(s3URL: "s3://a:b@s3.example.org/bucket")
        #expect(configuration.endpoint.absoluteString == "https://s3.example.org")
        #expect(configuration.region == "us-east-1")
        #expect(configuration.addressingStyle == .path)
        #expect(try S3Configuration(s3URL: "s3://a:b@s3.example.org/bucket?style=virtualHost").addressingStyle == .virtualHost)
    }

    @Test func refusesIncompleteOrUnknownURLs() {
        #expect(throws: S3ConfigurationError.notAnS3URL) { try S3Configuration(s3URL: "https://a:b@host/bucket") }
        #expect(throws: S3ConfigurationError.missingCredentials) { try S3Configuration(s3URL: "s3://host/bucket") }
        #expect(throws: S3ConfigurationError.missingBucket) { try S3Configuration(s3URL: "s3://a:b@host") }
        #expect(throws: S3ConfigurationError.missingBucket) { try S3Configuration(s3URL: "s3://a:b@host/bucket/extra") }
        #expect(throws: S3ConfigurationError.invalidStyle("dns")) { try S3Configuration(s3URL: "s3://a:b@host/b?style=dns") }
        #expect(throws: S3ConfigurationError.invalidScheme("ftp")) { try S3Configuration(s3URL: "s3://a:b@host/b?scheme=ftp") }
        #expect(throws: S3ConfigurationError.unknownParameter("regoin")) { try S3Configuration(s3URL: "s3://a:b@host/b?regoin=x") }
    }

    @Test func readsTheEnvironment() throws {
        #expect(try S3Configuration.fromEnvironment([:]) == nil)
        let fromURL = try S3Configuration.fromEnvironment(["EVIDENCE_S3_URL": "s3://a:b@host:9000/bucket?scheme=http"])
        #expect(fromURL?.endpoint.absoluteString == "http://host:9000")
        let fromParts = try S3Configuration.fromEnvironment([
            "EVIDENCE_S3_ENDPOINT": "https://rgw.example.org:7480", "EVIDENCE_S3_BUCKET": "evidence",
            "EVIDENCE_S3_STYLE": "virtualHost", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret",
        ])
        #expect(
            fromParts
                == S3Configuration(
                    endpoint: URL(string: "https://rgw.example.org:7480")!, region: "us-east-1", bucket: "evidence",
                    accessKeyID: "AKID", secretAccessKey: "secret", addressingStyle: .virtualHost))
        #expect(throws: S3ConfigurationError.missingVariable("AWS_SECRET_ACCESS_KEY")) {
            try S3Configuration.fromEnvironment([
                "EVIDENCE_S3_ENDPOINT": "https://host", "EVIDENCE_S3_BUCKET": "b", "AWS_ACCESS_KEY_ID": "AKID",
            ])
        }
        #expect(throws: S3ConfigurationError.invalidEndpoint) {
            try S3Configuration.fromEnvironment(["EVIDENCE_S3_ENDPOINT": "host:9000"])
        }
    }

    @Test func descriptionNeverShowsTheSecret() throws {
        let configuration = try S3Configuration(s3URL: "s3://AKID:TOPSECRET@host/bucket")
        #expect(!String(describing: configuration).contains("TOPSECRET"))
        #expect(String(describing: configuration).contains("bucket"))
    }
}
