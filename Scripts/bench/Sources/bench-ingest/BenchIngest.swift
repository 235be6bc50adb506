// The ingest pipeline without HTTP, for Scripts/bench.sh:
//
//   bench-ingest IN --recipient FILE.pub --work DIR [--runs N] [--piece BYTES] [--path arriving|spooled]
//
// Each run makes a fresh data folder under DIR and does what the server does with one uploaded file, minus HTTP.
// arriving (what a form post does): the file is read in pieces (64 KiB, as request bodies arrive) into an
// ArrivingUpload, which hashes the original (SHA-256) and hands the pieces to a scrubbing thread that scrubs, hashes
// the cleaned bytes (SHA-256) and seals them (AES-256-GCM; on a third thread for large files), hashing the sealed
// file (SHA-256) and writing it as a blob, fsync'd at the end; then IngestPipeline.ingest records the file, its
// custody entry and its log entry in SQLite, and signs a checkpoint.
// spooled (what a tus upload, or an upload beyond the scrubbing threads' limit, does): the pieces go into a
// SpoolFile (SHA-256 of the original, AES-256-GCM under an in-memory key), then IngestPipeline.ingest decrypts the
// spool and does the rest.
// One line per run: receive seconds<TAB>ingest seconds<TAB>total seconds<TAB>bytes<TAB>peak RSS KiB<TAB>CPU seconds
//
//   bench-ingest primitives [--megabytes N]
//
// Our crypto primitives on one core, as the pipeline calls them (64 KiB pieces, fresh output arrays): SHA-256
// (SHA256Hasher), sealing (ChunkedStreamEncryptor, AES-256-GCM) and opening (ChunkedStreamDecryptor), to set
// beside `openssl speed`, which divides by CPU time: so do these (the thread's CPU time), and a busy machine
// skews neither. One line each: name<TAB>MB/s

import BenchSupport
import EvidenceCore
import EvidenceCrypto
import Foundation

@main
struct BenchIngest {
    static func main() async throws {
        let options = Options()
        if options.words == ["primitives"] {
            try primitives(megabytes: try options.int("megabytes", default: 1024))
            return
        }
        guard options.words.count == 1 else {
            FileHandle.standardError.write(Data("usage: bench-ingest IN --recipient FILE.pub --work DIR [--runs N]\n".utf8))
            exit(2)
        }
        let input = URL(fileURLWithPath: options.words[0])
        let recipient = try X25519PublicKey(pem: String(contentsOfFile: try options.string("recipient"), encoding: .utf8))
        let work = URL(fileURLWithPath: try options.string("work"), isDirectory: true)
        let runs = try options.int("runs", default: 3)
        let piece = try options.int("piece", default: 64 * 1024)
        let arriving = (try? options.string("path")) != "spooled"

        for run in 1...runs {
            let root = work.appendingPathComponent("ingest-run-\(run)")
            try? FileManager.default.removeItem(at: root)
            let folder = DataFolder(root.path)
            try folder.initialise()
            try folder.addRecipient(recipient)
            let pipeline = try IngestPipeline(folder: folder)
            resetPeakRSS()

            let cpuStart = processCPUSeconds()
            let start = monotonicSeconds()
            let recipients = try pipeline.currentRecipients()
            let received: ReceivedUpload
            let reader = try BlockFileReader(input)
            if arriving {
                let upload = try ArrivingUpload(
                    in: folder.spool, sizeLimit: .max,
                    scrubbing: .init(pipeline: pipeline, recipients: recipients, sealsInBackground: true), mayKeepOriginal: false)
                while true {
                    let block = try reader.read(maxLength: piece)
                    if block.isEmpty { break }
                    try block.withUnsafeBytes { try upload.append($0) }
                    await upload.waitForRoom()
                }
                received = try await upload.finish()
                guard case .scrubbed = received else { throw BenchUsageError("the file was not scrubbed while it arrived") }
            } else {
                let spool = try SpoolFile(in: folder.spool, sizeLimit: .max)
                while true {
                    let block = try reader.read(maxLength: piece)
                    if block.isEmpty { break }
                    try spool.append(block)
                }
                received = .spooled(try spool.finish())
            }
            let receivedAt = monotonicSeconds()
            let receipt = try pipeline.ingest(received: [received], message: nil, recipients: recipients)
            let done = monotonicSeconds()
            guard receipt.files.count == 1 else { throw BenchUsageError("the pipeline did not store the file") }
            let size = receipt.files[0].originalSize
            print("\(receivedAt - start)\t\(done - receivedAt)\t\(done - start)\t\(size)\t\(peakRSSKiB())\t\(processCPUSeconds() - cpuStart)")
            try? FileManager.default.removeItem(at: root)
        }
    }

    static func primitives(megabytes: Int) throws {
        let piece = [UInt8]((0..<(64 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        let pieces = megabytes * 1_000_000 / piece.count
        let bytes = Double(pieces * piece.count)
        func rate(_ name: String, _ body: () throws -> Void) rethrows {
            var best = 0.0
            for _ in 0..<3 {
                let start = threadCPUSeconds()
                try body()
                best = max(best, bytes / 1e6 / (threadCPUSeconds() - start))
            }
            print("\(name)\t\(best)")
        }
        rate("sha256") {
            let hasher = SHA256Hasher()
            for _ in 0..<pieces { piece.withUnsafeBytes { hasher.update($0) } }
            _ = hasher.finalize()
        }
        var sealed: [UInt8] = []
        let key = SecureRandom.bytes(count: 32)
        try rate("seal") {
            let encryptor = try ChunkedStreamEncryptor(key: key)
            sealed = []
            var total = 0
            for index in 0..<pieces {
                let out = try encryptor.update(piece)
                total += out.count
                if index < 64 { sealed += out }
            }
            total += try encryptor.finish().count
            precondition(total > 0)
        }
        // Opening: the first 4 MiB of sealed chunks, fed again and again to fresh decryptors (each one stops before
        // the last chunk, whose flag it cannot check here, so only middle chunks are opened).
        try rate("open") {
            var done = 0
            while done < pieces {
                let decryptor = try ChunkedStreamDecryptor(key: key)
                let out = try decryptor.update(sealed)
                done += out.count / piece.count
            }
        }
    }
}
