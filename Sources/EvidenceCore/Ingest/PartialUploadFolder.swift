import EvidenceCrypto
import Foundation

/// Partial uploads on one node: `spool/partial/<id>/info.json` and one `<sealed bounds>.seg` file per PATCH
/// (`part-<uuid>` while it is written). An upload is made in `.creating-<id>/` and renamed into place with its info,
/// so a sweep never takes one being made for debris. They survive a restart; a finished one is renamed out of
/// `partial/` when it is claimed, so no second request can take it.
struct PartialUploadFolder: PartialUploadBacking {
    let root: URL

    private func folder(_ id: String) -> URL { root.appendingPathComponent(id, isDirectory: true) }

    func create(id: String, info: PartialUploads.Info) throws {
        let making = root.appendingPathComponent(Self.creatingPrefix + id, isDirectory: true)
        try FileSystem.makeDurableDirectory(making)
        do {
            try FileSystem.writeAtomically(Array(try JSONEncoder().encode(info)), to: making.appendingPathComponent("info.json"))
            try FileSystem.durableRename(making, to: folder(id))
        } catch {
            try? FileManager.default.removeItem(at: making)
            throw error
        }
    }

    /// Uploads being made; one left by a crash is removed at the next start (`removeUnfinishedSegments`).
    static let creatingPrefix = ".creating-"

    func info(id: String) throws -> PartialUploads.Info? {
        guard let data = try? Data(contentsOf: folder(id).appendingPathComponent("info.json")) else { return nil }
        return try JSONDecoder().decode(PartialUploads.Info.self, from: data)
    }

    func segments(id: String, opening: BoundsOpener) throws -> [PartialSegment] {
        let (kept, dropped) = reconciledSegments(try openedSegments(Self.found(in: folder(id)), opening: opening))
        for segment in dropped {
            let url = folder(id).appendingPathComponent(segment.location)
            try? FileManager.default.removeItem(at: url)
            FileSystem.resetFolderTimes(of: url)
        }
        return kept
    }

    private static func found(in folder: URL) throws -> [StoredPiece] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".seg") }.map { name in
            StoredPiece(label: String(name.dropLast(4)), location: name)
        }
    }

    func makeSink(id: String) throws -> any PartialSegmentSink {
        try FileSegmentSink(folder: folder(id))
    }

    func claim(id: String, spool: URL, opening: BoundsOpener) throws -> ClaimedUpload? {
        let claimed = spool.appendingPathComponent("claimed-" + Hex.encode(SecureRandom.bytes(count: 16)), isDirectory: true)
        // A crash from here on leaves a folder in spool/ that the next start removes, as it removes spool files.
        guard rename(folder(id).path, claimed.path) == 0 else {
            if errno == ENOENT { return nil }
            throw CoreError.storage("cannot take the finished upload: \(FileSystem.reason(errno))")
        }
        FileSystem.setConstantModificationTime(root)
        FileSystem.setConstantModificationTime(spool)
        let discard = {
            try? FileManager.default.removeItem(at: claimed)
            FileSystem.setConstantModificationTime(spool)
        }
        do {
            let pieces = reconciledSegments(try openedSegments(Self.found(in: claimed), opening: opening)).kept
            return ClaimedUpload(
                makeStorage: { key in
                    .pieces(
                        folder: claimed,
                        pieces.map {
                            SpooledUpload.Piece(url: claimed.appendingPathComponent($0.location), key: key($0.start), length: $0.usedLength)
                        })
                },
                discard: discard)
        } catch {
            discard()
            throw error
        }
    }

    func remove(id: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: folder(id).path) else { return false }
        try FileManager.default.removeItem(at: folder(id))
        FileSystem.setConstantModificationTime(root)
        return true
    }

    func all() -> [(id: String, info: PartialUploads.Info?)] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.map { id in
            (id, try? info(id: id))
        }
    }

    func count() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).count
    }

    /// Pieces whose PATCH never finished, and uploads whose creation never finished (the process died mid-request),
    /// are not part of any upload.
    func removeUnfinishedSegments() {
        for id in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
            if id.hasPrefix(Self.creatingPrefix) {
                try? FileManager.default.removeItem(at: folder(id))
                continue
            }
            // `<start>.part-<uuid>` was the name before bounds were sealed.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder(id).path)) ?? []
            where name.hasPrefix("part-") || name.contains(".part-") {
                try? FileManager.default.removeItem(at: folder(id).appendingPathComponent(name))
            }
        }
    }
}

/// One PATCH's piece as a file, fsync'd and renamed `<label>.seg` when kept.
final class FileSegmentSink: PartialSegmentSink {
    private let file: DurableFile
    private let folder: URL

    init(folder: URL) throws {
        self.folder = folder
        file = try DurableFile(
            creating: folder.appendingPathComponent("part-\(UUID().uuidString)"), writingBackEvery: DurableFile.largeFileWriteBack)
    }

    func write(_ bytes: [UInt8]) throws { try file.write(bytes) }

    func keep(label: String) throws {
        try file.close()
        try FileSystem.durableRename(file.url, to: folder.appendingPathComponent("\(label).seg"))
    }

    func discard() {
        try? file.close(syncing: false)
        try? FileManager.default.removeItem(at: file.url)
    }
}
