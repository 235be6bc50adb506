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

/// Every regular file under `folder` whose bytes contain `marker`, found by `grep` in a child process.
///
/// Never by reading the files here: the servers of other tests run in this process, and opening and closing their
/// `evidence.sqlite` would drop the POSIX locks SQLite holds on it for this whole process (a lock belongs to the
/// process and the file, and any close of the file releases it). An `evidence-review` process could then write
/// while this process's server holds the write lock: two writers, a corrupt database.
func filesContaining(_ marker: String, under folder: URL) async throws -> [String] {
    precondition(!marker.isEmpty && !marker.contains("\n"), "grep -F needs one non-empty line")
    // -r follows no symbolic links and reads no devices, FIFOs or sockets; -s: files that vanish while the
    // folder is walked (other tests' temporary files) are passed over, as unreadable ones are.
    guard FileManager.default.fileExists(atPath: folder.path) else { throw GrepFailed(status: -1, stderr: "no folder \(folder.path)") }
    let result = try await Subprocess.run("grep", ["-rlsF", "--null", "-e", marker, "--", folder.path], environment: ["LC_ALL": "C"])
    // 0: found, 1: not found, 2: some file could not be read (the matches found are still listed).
    guard [0, 1, 2].contains(result.status) else { throw GrepFailed(status: result.status, stderr: result.stderr) }
    return result.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
}

struct GrepFailed: Error {
    let status: Int32
    let stderr: String
}

/// The paths of the regular files under `folder`, without opening any.
func regularFiles(under folder: URL) -> [String] {
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
    return walker.compactMap { item in
        guard let url = item as? URL, (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { return nil }
        return url.path
    }
}
