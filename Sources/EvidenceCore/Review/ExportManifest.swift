import Foundation

/// `manifest.sha256` in an export folder: one `<sha256>  <name>` line per file, as `sha256sum -c` reads it.
struct ExportManifest {
    let folder: URL

    var url: URL { folder.appendingPathComponent("manifest.sha256") }

    /// Adds or replaces the line for `name`, keeping the others.
    func record(name: String, sha256: String) throws {
        let existing = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var lines = existing.split(separator: "\n").map(String.init).filter { !$0.hasSuffix("  \(name)") }
        lines.append("\(sha256)  \(name)")
        try FileSystem.writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: url)
    }
}
