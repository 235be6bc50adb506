// Builds a data folder of many submissions for the `evidence-review verify` and `list` benchmarks:
//
//   bench-store --data DIR --recipient FILE.pub --submissions N
//
// Every submission is one tiny generated image (TinyMedia: an 8x8 PNG or JPEG with a comment, distinct bytes for
// every index), spooled with SpoolFile and stored by IngestPipeline.ingest, so the database rows, custody entries,
// log entries and sealed blobs are exactly what the server makes of real uploads. One submission in a hundred sends
// again the file of the fiftieth submission before it, as several witnesses send the same video: listings then
// have duplicates to name.
//
// The pipeline is opened over the data folder as the server opens it: every submission is recorded with a signed
// checkpoint of the whole log (from the stored compact range: constant work per submission).
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

        try folder.initialise()
        try folder.addRecipient(recipient)
        let pipeline = try IngestPipeline(folder: folder)

        let start = monotonicSeconds()
        var lastReport = start
        var lastCount = 0
        for index in 0..<count {
            let spool = try SpoolFile(in: folder.spool, sizeLimit: 1 << 20)
            try spool.append(TinyMedia.file(index: index % 100 == 99 ? index - 50 : index))
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
        let seconds = monotonicSeconds() - start
        let checkpoints = try pipeline.store.storedCheckpoints().count
        print("\(count)\t\(seconds)\t\(checkpoints)")
    }
}
