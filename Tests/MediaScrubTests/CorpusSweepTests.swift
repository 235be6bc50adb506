import Foundation
import Testing
import MediaScrub

/// Every file of the shared corpus, whatever its folder: it is either recognised and cleaned without error,
/// or refused as an unsupported type; only non-media files may be refused.
@Suite("Corpus sweep", .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"))
struct CorpusSweepTests {
    /// Extensions that name a type MediaScrub accepts.
    static let acceptedExtensions: Set<String> = [
        "jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "avif", "mp4", "mov", "m4a", "3gp", "mp3", "flac", "ogg",
        "opus", "wav", "aif", "aiff", "avi",
    ]
    /// Extensions of documents that are not media and must be refused.
    static let nonMediaExtensions: Set<String> = ["pdf", "md", "txt", "json", "xml", "html"]

    /// The types an accepted extension may be sniffed as (the name never decides; this only checks the sniffer).
    static let expectedTypes: [String: Set<MediaType>] = [
        "jpg": [.jpeg], "jpeg": [.jpeg], "png": [.png], "gif": [.gif], "webp": [.webp], "heic": [.heif], "heif": [.heif],
        "avif": [.avif], "mp4": [.mp4, .mov, .m4a], "mov": [.mov, .mp4], "m4a": [.m4a, .mp4], "3gp": [.threeGPP, .mp4],
        "mp3": [.mp3], "flac": [.flac], "ogg": [.ogg, .opus], "opus": [.opus], "wav": [.wav], "aif": [.aiff], "aiff": [.aiff],
        "avi": [.avi],
    ]

    /// Corpus files of an accepted extension that are known not to be cleanable, with the reason. Empty: none.
    static let knownExceptions: [String: String] = [:]

    /// Every regular file under the corpus root, relative to it, except SOURCES.md.
    static let allFiles: [String] = {
        guard let root = Corpus.root,
              let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        else { return [] }
        var paths: [String] = []
        let rootPath = root.resolvingSymlinksInPath().path
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let path = url.resolvingSymlinksInPath().path
            guard path.hasPrefix(rootPath + "/") else { continue }
            let relative = String(path.dropFirst(rootPath.count + 1))
            if relative != "SOURCES.md" { paths.append(relative) }
        }
        return paths.sorted()
    }()

    enum Result: Equatable {
        case cleaned(MediaType)
        case refused
        case failed(String)
    }

    static func sweep(_ path: String) throws -> Result {
        let bytes = try Corpus.bytes(path)
        do {
            let (_, report) = try scrub(bytes)
            return .cleaned(report.mediaType)
        } catch ScrubError.unsupportedType {
            return .refused
        } catch {
            return .failed("\(error)")
        }
    }

    static func ext(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.contains(".") ? String(name.split(separator: ".").last!).lowercased() : ""
    }

    @Test("the sweep finds the corpus")
    func corpusFound() {
        #expect(Self.allFiles.count >= 50, "only \(Self.allFiles.count) corpus files found")
    }

    @Test("each file is cleaned or refused; only non-media is refused; every accepted extension is cleaned",
          .timeLimit(.minutes(5)))
    func sweep() throws {
        var cleaned: [(String, MediaType)] = []
        var refused: [String] = []
        var failed: [(String, String)] = []
        for path in Self.allFiles {
            switch try Self.sweep(path) {
            case .cleaned(let type): cleaned.append((path, type))
            case .refused: refused.append(path)
            case .failed(let message): failed.append((path, message))
            }
        }
        let summary = cleaned.map { "\($0.0) → \($0.1.rawValue)" }.joined(separator: "\n")
        FileHandle.standardError.write(Data("corpus sweep: \(cleaned.count) cleaned, \(refused.count) refused \(refused), \(failed.count) failed\n\(summary)\n".utf8))

        let unexpectedFailures = failed.filter { Self.knownExceptions[$0.0] == nil }
        #expect(unexpectedFailures.isEmpty,
                "files that failed to scrub: \(unexpectedFailures.map { "\($0.0): \($0.1)" }.joined(separator: "; "))")
        let refusedMedia = refused.filter { !Self.nonMediaExtensions.contains(Self.ext($0)) && Self.knownExceptions[$0] == nil }
        #expect(refusedMedia.isEmpty, "refused files that are not known non-media: \(refusedMedia); all refused: \(refused)")
        let refusedAccepted = refused.filter { Self.acceptedExtensions.contains(Self.ext($0)) && Self.knownExceptions[$0] == nil }
        #expect(refusedAccepted.isEmpty, "files of an accepted extension refused: \(refusedAccepted)")
        let mismatched = cleaned.filter { path, type in
            guard let expected = Self.expectedTypes[Self.ext(path)] else { return true }
            return !expected.contains(type)
        }
        #expect(mismatched.isEmpty, "sniffed type does not fit the extension: \(mismatched.map { "\($0.0) → \($0.1)" })")
        let pdfs = Self.allFiles.filter { Self.ext($0) == "pdf" }
        #expect(!pdfs.isEmpty && pdfs.allSatisfy(refused.contains), "PDFs must be refused: \(pdfs)")
    }
}
