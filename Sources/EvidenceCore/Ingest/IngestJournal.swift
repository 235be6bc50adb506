import Foundation

/// The blobs written for a submission that is not committed yet, listed in `blobs/journal/<id>` (fsync'd before
/// each blob becomes visible). If the process dies between sealing and committing, the next start finds the
/// journal and deletes those of its blobs that no record names: no orphan is left, and nothing committed is touched.
struct IngestJournal {
    let url: URL
    private(set) var keys: [String] = []

    static func folder(blobsRoot: URL) -> URL { blobsRoot.appendingPathComponent("journal", isDirectory: true) }

    init(blobsRoot: URL) throws {
        let folder = Self.folder(blobsRoot: blobsRoot)
        if !FileManager.default.fileExists(atPath: folder.path) {
            try FileSystem.makeDurableDirectory(folder)
            FileSystem.setConstantModificationTime(folder)
            FileSystem.resetFolderTimes(of: folder)
        }
        url = folder.appendingPathComponent(UUID().uuidString)
    }

    /// Records `key` durably; call before the blob is committed under that key.
    mutating func add(_ key: String) throws {
        keys.append(key)
        try FileSystem.writeAtomically(Array(keys.joined(separator: "\n").utf8), to: url)
    }

    /// The submission was committed, or its blobs were removed: the journal is no longer needed.
    func close() {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        try? FileManager.default.removeItem(at: url)
        // Removing a file stamps its folder with the time; the folder's time must say nothing.
        FileSystem.resetFolderTimes(of: url)
    }

    /// Removes the blobs of interrupted ingests that no record names, and their journals. Returns how many blobs went.
    @discardableResult
    static func recover(blobsRoot: URL, store: EvidenceStore, blobs: any BlobStore) throws -> Int {
        let folder = Self.folder(blobsRoot: blobsRoot)
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let url = folder.appendingPathComponent(name)
            if name.hasPrefix(".tmp-") {
                try? FileManager.default.removeItem(at: url)
                continue
            }
            let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
            for key in text.split(separator: "\n").map(String.init) where !(try store.referencesBlob(key)) && blobs.exists(key) {
                try blobs.delete(key)
                removed += 1
            }
            try FileManager.default.removeItem(at: url)
            FileSystem.resetFolderTimes(of: url)
        }
        return removed
    }
}

/// A pause for the crash tests: with `EVIDENCE_TEST_PAUSE_AT=<point>` in the environment, the process says so on
/// standard error and stops at that point, so a test can kill it there. Off (one environment lookup) otherwise.
public enum TestPause {
    static let point = ProcessInfo.processInfo.environment["EVIDENCE_TEST_PAUSE_AT"]

    static func at(_ name: String) {
        guard point == name else { return }
        FileHandle.standardError.write(Data("evidence-drop: test hook: paused at \(name)\n".utf8))
        Thread.sleep(forTimeInterval: 3600)
    }
}
