import Testing
@testable import ObjectStorage

@Suite struct S3XMLElementTests {
    @Test func readsAnErrorAnswer() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message>
            <Resource>/mybucket/myfoto.jpg</Resource></Error>
            """
        let document = try #require(S3XMLElement.parse(Array(xml.utf8)))
        #expect(document.name == "Error")
        #expect(document.text(of: "Code") == "NoSuchKey")
        #expect(document.text(of: "Message") == "The resource you requested does not exist")
    }

    @Test func readsAListingWithANamespace() throws {
        let xml = """
            <ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Bucket>b</Bucket><IsTruncated>false</IsTruncated>
              <Upload><Key>a/1</Key><UploadId>u1</UploadId><Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
              <Upload><Key>a/2 &amp; 3</Key><UploadId>u2</UploadId></Upload>
            </ListMultipartUploadsResult>
            """
        let document = try #require(S3XMLElement.parse(Array(xml.utf8)))
        let uploads = document.children("Upload")
        #expect(uploads.map { $0.text(of: "Key") } == ["a/1", "a/2 & 3"])
        #expect(uploads.map { $0.text(of: "UploadId") } == ["u1", "u2"])
        let initiated = try #require(uploads[0].text(of: "Initiated").flatMap(S3Client.parseTimestamp))
        #expect(initiated.timeIntervalSince1970 == 1_289_422_113)
    }

    @Test func refusesWhatIsNotXML() {
        #expect(S3XMLElement.parse(Array("<Error><Code>".utf8)) == nil)
        #expect(S3XMLElement.parse(Array("not xml".utf8)) == nil)
    }
}
