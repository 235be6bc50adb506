import EvidenceCore
import Foundation

extension ListCommand {
    /// What the reading thread hands on: the annotations first, then the files a batch at a time.
    enum ListingPart: Sendable {
        case annotations(FileAnnotations)
        case files([FileSummary])
    }

    private struct Stopped: Error {}

    /// `--json`: the store is read on a thread of its own, a batch at a time, while this one writes the document, so
    /// a listing of a whole store keeps both cores busy in flat memory. `isShown` is the filters applied here, not
    /// in SQL; `message` is a file's submitter's message, or nil without --key; `facts` the files' opened facts
    /// (empty without --key). At most `rowLimit` files.
    func writeJSON(
        _ store: EvidenceStore, _ query: FileQuery, facts: [Int64: FileFacts], isShown: (FileSummary) throws -> Bool,
        message: (FileSummary) throws -> String?
    ) throws {
        let channel = BoundedChannel<ListingPart>(capacity: 4)
        let reader = Thread {
            do {
                try store.streamListedFiles(
                    matching: query,
                    annotations: { guard channel.send(.annotations($0)) else { throw Stopped() } },
                    batch: { guard channel.send(.files($0)) else { throw Stopped() } })
                channel.finish()
            } catch {
                channel.finish(throwing: error is Stopped ? nil : error)
            }
        }
        reader.name = "list-reader"
        reader.start()
        // However this ends (a full pipe, a limit reached), the reader stops before the store is closed.
        defer { channel.close() }
        guard case .annotations(let stored)? = try channel.receive() else { return }
        let annotations = stored.withDuplicates(among: facts)
        // Read once: an option's getter goes through ArgumentParser's generic storage, too slow for every file.
        let limit = rowLimit ?? .max
        let decrypted = key != nil
        var writer = ListJSON.Writer()
        var written = 0
        reading: while let part = try channel.receive() {
            guard case .files(let files) = part else { continue }
            for var file in files {
                guard written < limit else { break reading }
                guard try isShown(file) else { continue }
                file.facts = facts[file.id]
                let listing = FileListing(file, annotations: annotations)
                writer.add(ListedFile(listing: listing, decrypted: decrypted, message: try message(file)))
                written += 1
                if writer.isBlockFull { try writer.flush(to: StandardOutput.write) }
            }
        }
        writer.finish()
        try writer.flush(to: StandardOutput.write)
        try StandardOutput.write([UInt8(ascii: "\n")])
    }
}
