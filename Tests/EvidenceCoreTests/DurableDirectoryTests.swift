@testable import EvidenceCore
import Foundation
import Testing

struct DurableDirectoryTests {
    @Test("a new folder (a blob shard, the journal) gets its parent fsync'd; an existing one is left alone")
    func syncsParentOfNewFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("durable-dir-\(UUID().uuidString)")
        try FileSystem.makeDirectory(root)
        defer { try? FileManager.default.removeItem(at: root) }
        let shard = root.appendingPathComponent("ab", isDirectory: true)
        var synced: [String] = []
        try FileSystem.makeDurableDirectory(shard) { synced.append($0.standardizedFileURL.path) }
        #expect(FileManager.default.fileExists(atPath: shard.path))
        #expect(synced == [root.standardizedFileURL.path])

        try FileSystem.makeDurableDirectory(shard) { synced.append($0.path) }
        #expect(synced.count == 1)

        // Folders made above it have their parents synced too, from the top down.
        synced = []
        let upload = root.appendingPathComponent("partial/0123", isDirectory: true)
        try FileSystem.makeDurableDirectory(upload) { synced.append($0.standardizedFileURL.path) }
        #expect(FileManager.default.fileExists(atPath: upload.path))
        #expect(synced == [root.standardizedFileURL.path, root.appendingPathComponent("partial").standardizedFileURL.path])

        // The real sync, on a real folder, succeeds.
        try FileSystem.makeDurableDirectory(root.appendingPathComponent("cd", isDirectory: true))
    }

    @Test("a folder that cannot be made gets a storage error, and no sync")
    func refusesWhereItCannot() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("durable-dir-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var synced = 0
        #expect(throws: CoreError.self) {
            try FileSystem.makeDurableDirectory(file.appendingPathComponent("ab", isDirectory: true)) { _ in synced += 1 }
        }
        #expect(synced == 0)

        // A file where the folder should be is an error too, not a folder already there.
        #expect(throws: CoreError.self) {
            try FileSystem.makeDurableDirectory(file) { _ in synced += 1 }
        }
        #expect(synced == 0)
    }
}
