import Foundation

/// A fresh temporary folder per test, removed when the test ends.
final class TestFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `data` to a file named `name` in this folder and returns its URL.
    func write(_ name: String, _ data: Data) throws -> URL {
        let file = path(name)
        try data.write(to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Every regular file under `folder` whose bytes contain `needle`.
func filesContaining(_ needle: [UInt8], under folder: URL) -> [String] {
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    var hits: [String] = []
    for case let url as URL in walker {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
            let data = try? Data(contentsOf: url)
        else { continue }
        if data.range(of: Data(needle)) != nil { hits.append(url.path) }
    }
    return hits
}
