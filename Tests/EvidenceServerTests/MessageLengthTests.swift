import EvidenceCore
import Foundation
@testable import EvidenceServer
import Testing

/// The message limit counts what the form's `maxlength` counts, so that whatever a browser lets a person type is
/// accepted, in any script.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct MessageLengthTests {
    /// `count` characters as a browser counts them: Cyrillic letters, an emoji (two UTF-16 units) every 100, and a
    /// line break, sent as "\r\n", every 50 (not last: a message's trailing line break is not kept).
    static func message(_ count: Int) -> String {
        var text = ""
        var units = 0
        while units < count {
            if units % 100 == 99 && units + 2 <= count {
                text += "📷"
                units += 2
            } else if units % 50 == 49 && units + 1 < count {
                text += "\r\n"
                units += 1
            } else {
                text += "ж"
                units += 1
            }
        }
        return text
    }

    @Test("counts UTF-16 units with a line break once, as maxlength does")
    func counting() {
        #expect(MessageLength.characters("жжж") == 3)
        #expect(MessageLength.characters("a\r\nb\nc") == 5)
        #expect(MessageLength.characters("📷") == 2)
        #expect(MessageLength.characters(Self.message(20_000)) == 20_000)
        #expect(Self.message(20_000).utf8.count > 38_000, "the test message is far over the old limit of 20,000 bytes")
    }

    @Test("a Russian message of exactly the limit is accepted (about 40 KB), one character more is refused naming characters; the form's maxlength is the same limit")
    func limitInCharacters() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let (accepted, refused, form) = try await server.run { port in
            (try await Upload.send(port: port, files: [photo], message: Self.message(20_000)),
             try await Upload.send(port: port, files: [photo], message: Self.message(20_001), json: false),
             try await Subprocess.run("curl", ["-sS", "http://127.0.0.1:\(port)/?lang=ru"]).stdoutText)
        }
        #expect(accepted.status == 201, "\(accepted.text.prefix(300))")
        #expect(refused.status == 400 && refused.text.contains("at most 20000 characters"), "\(refused.text.prefix(600))")
        #expect(form.contains("maxlength=\"20000\""))
        let shown = try await server.review(["show", "1", "--json", "--key", server.keyFile.path])
        let details = try JSONSerialization.jsonObject(with: shown.stdout) as? [String: Any]
        #expect((details?["message"] as? String).map(MessageLength.characters) == 20_000, "the whole message is kept")
    }
}
