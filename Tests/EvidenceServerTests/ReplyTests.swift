import EvidenceCore
import EvidenceCrypto
import Foundation
import Testing

/// A reviewer's message back to the submitter: written with `evidence-review reply`, read on /status with the
/// receipt code, and unreadable from the server's disk without that code.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ReplyTests {
    @Test("a reply shows on the status page for the right code only, is stored sealed, and its text is shown to the reviewers with their key")
    func replyShowsOnStatusPage() async throws {
        let server = try TestServer()
        let reply = "Thank you. Your video was passed to the investigators; marker-7c1e."
        let (first, other) = try await server.run { port in
            (try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]).receipt),
             try #require(try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.textPNG)]).receipt))
        }
        let written = try await server.review(["reply", "1", "--message", reply, "--as", "alice"])
        #expect(written.status == 0, "\(written.stderr)")
        let empty = try await server.review(["reply", "1", "--message", "   "])
        #expect(empty.status != 0 && empty.stderr.contains("empty"), "\(empty.stderr)")
        let (mine, theirs) = try await server.run { port in
            (try await StatusPageTests.status(port, code: first.code).text, try await StatusPageTests.status(port, code: other.code).text)
        }
        #expect(mine.contains("class=\"reply\"") && mine.contains(reply), "\(mine)")
        #expect(!theirs.contains("marker-7c1e") && !theirs.contains("class=\"reply\""))
        // Sealed at rest: the marker is nowhere in the data folder, and the custody trail says who replied.
        #expect(try await filesContaining("marker-7c1e", under: server.data.root).isEmpty)
        let shown = try await server.review(["show", "1", "--json", "--key", server.keyFile.path])
        #expect(shown.stdoutText.contains("\"replied\"") && shown.stdoutText.contains("alice"), "\(shown.stdoutText)")
        // The team sees what a colleague told the submitter: sealed to the reviewers too, opened with the key.
        let details = try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any]
        let replies = details?["replies"] as? [[String: Any]] ?? []
        #expect(replies.count == 1 && replies.first?["text"] as? String == reply && replies.first?["actor"] as? String == "alice", "\(replies)")
        let page = try await server.review(["show", "1", "--key", server.keyFile.path])
        #expect(page.stdoutText.contains("replies to the submitter:") && page.stdoutText.contains(reply), "\(page.stdoutText)")
        let withoutKey = try await server.review(["show", "1"])
        #expect(!withoutKey.stdoutText.contains("marker-7c1e") && withoutKey.stdoutText.contains("replies to the submitter: pass --key"))
        let otherShown = try await server.review(["show", "2", "--json", "--key", server.keyFile.path])
        let otherReplies = (try JSONSerialization.jsonObject(with: otherShown.stdout) as? [String: Any])?["replies"] as? [Any]
        #expect(otherReplies?.isEmpty == true, "the other submission has no reply: \(otherShown.stdoutText)")
    }

    @Test("the reply key is derived from the code alone, whatever its spacing, and differs between codes")
    func replyKeyDerivation() throws {
        let code = ReceiptCode.generate()
        let spaced = code.replacingOccurrences(of: "-", with: " ")
        let a = try #require(SubmitterReplyKey.privateKey(receiptCode: code))
        let b = try #require(SubmitterReplyKey.privateKey(receiptCode: spaced))
        #expect(a.publicKey == b.publicKey)
        let other = try #require(SubmitterReplyKey.privateKey(receiptCode: ReceiptCode.generate()))
        #expect(other.publicKey != a.publicKey)
        #expect(SubmitterReplyKey.privateKey(receiptCode: "12345") == nil)
    }
}
