import Foundation

enum Paths {
    /// The repository root, found from this file's path.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// ../shared/corpus beside the repository (read-only in CI).
    static let corpus = repository.deletingLastPathComponent().appendingPathComponent("shared/corpus", isDirectory: true)

    static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus.path) }

    static func corpusFile(_ relative: String) -> URL { corpus.appendingPathComponent(relative) }

    /// Whether the browser tests run: when chromedriver is installed, and always under Scripts/test.sh
    /// (EVIDENCE_REQUIRE_BROWSER=1), where a missing browser must fail the run rather than skip it.
    static var runsBrowserTests: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")
            || ProcessInfo.processInfo.environment["EVIDENCE_REQUIRE_BROWSER"] == "1"
    }

    static let publicFolder = repository.appendingPathComponent("Public", isDirectory: true)

    /// The folder holding the built executables (beside the test bundle).
    static var binaries: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}
