import Foundation
@testable import MediaScrub
import Testing

extension BrowserTests {
    /// Prefixes that reach every branch of `MediaSniffer`: the corpus files' first bytes, cut and altered, and
    /// crafted headers for each brand, box, EBML DocType, Ogg packet and MPEG frame header.
    static func sniffCases() throws -> [[UInt8]] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var cases: [[UInt8]] = []
        let walker = FileManager.default.enumerator(at: Paths.corpus, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let handle = try? FileHandle(forReadingFrom: url) else { continue }
            let prefix = [UInt8](handle.readData(ofLength: MediaSniffer.prefixLength))
            try? handle.close()
            cases.append(prefix)
            for length in [1, 3, 4, 8, 11, 12, 16, 27, 28, 40] where length < prefix.count { cases.append(Array(prefix.prefix(length))) }
            for _ in 0..<4 where prefix.count > 8 {
                var altered = prefix
                altered[random(min(48, prefix.count))] = UInt8(random(256))
                cases.append(altered)
            }
        }
        func be32(_ value: Int) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let brands = MediaSniffer.heifBrands.union(MediaSniffer.avifBrands).union(MediaSniffer.mp4Brands)
            .union(["qt  ", "M4A ", "M4B ", "M4P ", "3gp4", "3g2a", "abcd", "mif1"]).sorted()
        for major in brands {
            for compatible in [[], ["avif"], ["mif1", "heic"], ["isom", "avif"], ["abcd"]] {
                let body = Array(major.utf8) + [0, 0, 0, 0] + compatible.flatMap { Array($0.utf8) }
                cases.append(be32(8 + body.count) + Array("ftyp".utf8) + body)
                cases.append(be32(12) + Array("ftyp".utf8) + body + Array("avif".utf8))
            }
        }
        for box in MediaSniffer.quickTimeFirstBoxes.sorted() + ["ftyp", "uuid"] {
            for size in [0, 1, 7, 8, 100] { cases.append(be32(size) + Array(box.utf8) + [UInt8](repeating: 0, count: 8)) }
        }
        for docType in ["matroska", "webm", "mkv", "matroska\0\0"] {
            let field: [UInt8] = [0x42, 0x82, 0x80 | UInt8(docType.utf8.count)] + Array(docType.utf8)
            let children: [UInt8] = [0x42, 0x86, 0x81, 0x01] + field
            cases.append([0x1A, 0x45, 0xDF, 0xA3, 0x80 | UInt8(children.count)] + children)
            cases.append([0x1A, 0x45, 0xDF, 0xA3, 0xFF] + children)
            cases.append([0x1A, 0x45, 0xDF, 0xA3, 0x80 | UInt8(children.count - 2)] + children)
            cases.append([0x1A, 0x45, 0xDF, 0xA3, 0x01, 0, 0, 0, 0, 0, 0, UInt8(children.count)] + children)
        }
        for packet in [[0x01] + Array("vorbis".utf8), Array("OpusHead".utf8), Array("Speex   ".utf8)] {
            for segments in [1, 3, 40] {
                cases.append(Array("OggS".utf8) + [UInt8](repeating: 0, count: 22) + [UInt8(segments)] + [UInt8](repeating: 1, count: segments) + packet)
            }
        }
        for version in 1...5 { cases.append(Array("ID3".utf8) + [UInt8(version), 0, 0, 0, 0, 0x7F, 0x80]) }
        for second in stride(from: 0xE0, through: 0xFF, by: 1) {
            for third in stride(from: 0, through: 255, by: 15) {
                for fourth in 0..<4 { cases.append([0xFF, UInt8(second), UInt8(third), UInt8(fourth)]) }
            }
        }
        for tag in ["RIFF", "FORM"] {
            for form in ["WEBP", "WAVE", "AVI ", "AIFF", "AIFC", "ABCD"] { cases.append(Array(tag.utf8) + [1, 2, 3, 4] + Array(form.utf8)) }
        }
        cases += ["GIF87a", "GIF89a", "GIF90a", "fLaC"].map { Array($0.utf8) + [0, 0] }
        for _ in 0..<300 { cases.append((0..<random(65)).map { _ in UInt8(random(256)) }) }
        return cases
    }

    @Test("sniff.js gives the server's verdict on every prefix: the corpus, cut and altered, and crafted headers of every kind")
    func sniffAgreesWithServer() async throws {
        let server = try TestServer()
        let cases = try Self.sniffCases().map { bytes -> [String: Any] in
            ["hex": bytes.map { String(format: "%02x", $0) }.joined(), "type": MediaSniffer.sniff(bytes)?.fileExtension ?? NSNull()]
        }
        #expect(Set(cases.compactMap { $0["type"] as? String }) == Set(MediaType.allCases.map(\.fileExtension)), "every type is reached")
        let file = try server.folder.write("sniff-cases.json", try JSONSerialization.data(withJSONObject: cases))
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_sniff_agreement.py").path
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", file.path])
        }
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        #expect(run.status == 0 && result["cases"] as? Int == cases.count, "\(run.stdoutText) \(run.stderr)")
    }

    @Test("with JavaScript on: a file of no accepted type among photos is named at once, left out, and listed on the receipt in its place; alone, nothing is sent")
    func unsendableNamedAtOnce() async throws {
        let server = try TestServer()
        let script = Paths.repository.appendingPathComponent("Tests/Browser/js_on_mixed_files.py").path
        let unsendable = try server.folder.write("report.pdf", try Data(contentsOf: PerFileRefusalTests.pdf))
        let files = [Paths.corpusFile(EndToEndTests.gpsJPEG).path, unsendable.path, Paths.corpusFile(EndToEndTests.textPNG).path]
        let run = try await server.run { port in
            try await Subprocess.run("/usr/bin/python3", [script, "http://127.0.0.1:\(port)", Self.screenshots.path] + files)
        }
        #expect(run.status == 0, "\(run.stderr)")
        let result = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any] ?? [:]
        let words = try LanguageTests.catalogue("en")
        let saidAtOnce = result["said_at_once"] as? String ?? ""
        #expect(saidAtOnce.contains(words["upload_unsendable"]!) && saidAtOnce.contains("report.pdf"), "\(result)")
        #expect(!saidAtOnce.contains("GPS.jpg") && !saidAtOnce.contains("PNG.png"))
        #expect((result["url"] as? String)?.hasSuffix("/") == true, "not through submit.js: \(result)")
        #expect(result["files_on_receipt"] as? Int == 2)
        let refused = result["refused"] as? [[String: Any]] ?? []
        #expect(refused.count == 1 && refused.first?["position"] as? String == "2", "\(refused)")
        #expect((refused.first?["text"] as? String)?.contains("report.pdf") == true)
        #expect((result["console_errors"] as? [String])?.isEmpty == true, "\(result["console_errors"] ?? "")")
        #expect((result["nothing_sendable"] as? String)?.contains(words["upload_nothing_sendable"]!) == true, "\(result)")
        #expect(result["stayed_on_form"] as? Bool == true && result["button_enabled"] as? Bool == true)
        let listed = try await server.review(["list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: listed.stdout) as? [Any])?.count == 2)
    }
}
