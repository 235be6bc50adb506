// Builds a data folder of many submissions for the `evidence-review verify` and `list` benchmarks:
//
//   bench-store --data DIR --recipient FILE.pub --submissions N [--checkpoints every|end]
//
// Every submission is one tiny generated image (TinyMedia: an 8x8 PNG or JPEG with a comment, distinct bytes for
// every index), spooled with SpoolFile and stored by IngestPipeline.ingest, so the database rows, custody entries,
// log entries and sealed blobs are exactly what the server makes of real uploads.
//
// --checkpoints every (the default) opens the pipeline over the data folder as the server does: after every
// submission it signs a checkpoint over the whole log, which reads every leaf hash (O(log size) per submission,
// so building n submissions costs O(n^2)). --checkpoints end gives the pipeline a log over a separate, empty
// store for those per-submission checkpoints (the entries themselves still go into this store, in the same
// transaction as each file), then signs one checkpoint of the whole log at the end: the same store, less the
// intermediate checkpoints, built in linear time.
//
// Prints progress to standard error and, at the end: submissions<TAB>seconds<TAB>checkpoints stored

import BenchSupport
import EvidenceCore
import EvidenceCrypto
import Foundation

@main
struct BenchStore {
    static func main() throws {
        let options = Options()
        let folder = DataFolder(try options.string("data"))
        let recipient = try X25519PublicKey(pem: String(contentsOfFile: try options.string("recipient"), encoding: .utf8))
        let count = try options.int("submissions", default: 10_000)
        let everyCheckpoint = (options.optionalString("checkpoints") ?? "every") == "every"

        try folder.initialise()
        try folder.addRecipient(recipient)
        let side = FileManager.default.temporaryDirectory.appendingPathComponent("bench-store-side-\(getpid())")
        defer { try? FileManager.default.removeItem(at: side) }
        let pipeline: IngestPipeline
        if everyCheckpoint {
            pipeline = try IngestPipeline(folder: folder)
        } else {
            try FileManager.default.createDirectory(at: side, withIntermediateDirectories: true)
            let sideLog = TransparencyLog(
                store: try EvidenceStore(url: side.appendingPathComponent("side.sqlite")), key: try folder.loadLogSigningKey())
            pipeline = try IngestPipeline(
                store: try EvidenceStore(url: folder.database), blobs: LocalBlobStore(root: folder.blobs),
                recipients: [recipient], receiptKey: try folder.loadReceiptKey(), log: sideLog)
        }

        let start = monotonicSeconds()
        var lastReport = start
        var lastCount = 0
        for index in 0..<count {
            let spool = try SpoolFile(in: folder.spool, sizeLimit: 1 << 20)
            try spool.append(TinyMedia.file(index: index))
            _ = try pipeline.ingest([try spool.finish()], message: nil)
            if (index + 1) % max(1, count / 10) == 0 {
                let now = monotonicSeconds()
                let rate = Double(index + 1 - lastCount) / (now - lastReport)
                FileHandle.standardError.write(Data(String(
                    format: "bench-store: %d of %d submissions, %.1f s, %.0f submissions/s over the last %d\n",
                    index + 1, count, now - start, rate, index + 1 - lastCount).utf8))
                lastReport = now
                lastCount = index + 1
            }
        }
        if !everyCheckpoint {
            _ = try TransparencyLog(folder: folder, store: pipeline.store).checkpoint()
        }
        let seconds = monotonicSeconds() - start
        let checkpoints = try pipeline.store.storedCheckpoints().count
        print("\(count)\t\(seconds)\t\(checkpoints)")
    }
}
