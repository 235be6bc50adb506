import Dispatch
import Glibc
import EvidenceCore
import Foundation
import MediaScrub

/// Cleans many files into one folder on every core: the `scrub --out-dir` command.
///
/// A file argument is written to `DIR/its name`; a folder argument to `DIR/the folder's name/…`, keeping the layout
/// below it (hidden files and symbolic links are passed over). Every input is listed before anything is written, so
/// an output folder inside an input folder is never read back. A file that cannot be cleaned leaves no output and is
/// listed with its reason; the others are cleaned all the same.
struct ScrubBatch {
    /// One file to clean and where its cleaned copy goes.
    struct Job {
        let input: URL
        /// The output's path below the output folder, as shown to the operator.
        let relativeOutput: String
    }

    enum Outcome {
        case cleaned(RemovalReport)
        case refused(String)
    }

    let outputFolder: URL

    /// The files named by `paths` (files, or folders walked recursively), each with a distinct output path.
    func jobs(for paths: [String]) throws -> [Job] {
        var jobs: [Job] = []
        var taken: Set<String> = []
        let outputPath = outputFolder.standardizedFileURL.path
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
                throw CommandFailure(description: "\(path): no such file or folder")
            }
            let inputs: [(URL, String)]
            if isFolder.boolValue {
                inputs = try Self.files(under: url).filter { !$0.0.path.hasPrefix(outputPath + "/") }
            } else {
                inputs = [(url, url.lastPathComponent)]
            }
            for (input, relative) in inputs {
                let name = Self.unclaimed(relative, in: &taken)
                jobs.append(Job(input: input, relativeOutput: name))
            }
        }
        return jobs
    }

    /// Regular files below `folder`, each with its path relative to the folder's parent, in a stable order.
    static func files(under folder: URL) throws -> [(URL, String)] {
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else {
            throw CommandFailure(description: "\(folder.path): cannot read this folder")
        }
        let base = folder.deletingLastPathComponent().standardizedFileURL.path
        var found: [(URL, String)] = []
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: Set(keys))
            guard values.isRegularFile == true, values.isSymbolicLink != true else { continue }
            let path = url.standardizedFileURL.path
            found.append((url, String(path.dropFirst(base == "/" ? 1 : base.count + 1))))
        }
        return found.sorted { $0.1 < $1.1 }
    }

    /// `relative`, or `name (2).ext`, `name (3).ext`… when another input already took it.
    static func unclaimed(_ relative: String, in taken: inout Set<String>) -> String {
        var candidate = relative
        var number = 2
        let stem = (relative as NSString).deletingPathExtension
        let ext = (relative as NSString).pathExtension.isEmpty ? "" : "." + (relative as NSString).pathExtension
        while !taken.insert(candidate).inserted {
            candidate = "\(stem) (\(number))\(ext)"
            number += 1
        }
        return candidate
    }

    /// Cleans `job`; a refused file leaves nothing behind.
    func run(_ job: Job) -> Outcome {
        let output = outputFolder.appendingPathComponent(job.relativeOutput)
        do {
            try FileManager.default.createDirectory(at: output.deletingLastPathComponent(), withIntermediateDirectories: true)
            let sink = try PlainFileSink(creating: output)
            do {
                let report = try MediaScrubber.scrub(from: FileByteSource(job.input), to: sink)
                return .cleaned(report)
            } catch ScrubError.unsupportedType {
                try? FileManager.default.removeItem(at: output)
                return .refused("not a file type this cleans (`evidence-drop scrub --help` lists them)")
            } catch {
                try? FileManager.default.removeItem(at: output)
                return .refused("\(error)")
            }
        } catch {
            return .refused("\(error)")
        }
    }

    /// Runs every job on every core, calling `finished` (serially) as each ends; the outcomes in job order.
    func runAll(_ jobs: [Job], finished: @escaping @Sendable (Int, Outcome) -> Void) -> [Outcome] {
        let results = Outcomes(count: jobs.count)
        let next = Counter()
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, jobs.count))
        let batch = self
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.take(below: jobs.count) {
                let outcome = batch.run(jobs[index])
                results.set(index, outcome, then: finished)
            }
        }
        return results.all
    }
}

extension ScrubBatch.Job: Sendable {}
extension ScrubBatch.Outcome: Sendable {}
extension ScrubBatch: Sendable {}

/// The next job index, handed to one worker each.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// The outcomes as workers finish them.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [ScrubBatch.Outcome?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ outcome: ScrubBatch.Outcome, then finished: (Int, ScrubBatch.Outcome) -> Void) {
        lock.withLock {
            values[index] = outcome
            finished(index, outcome)
        }
    }

    var all: [ScrubBatch.Outcome] { lock.withLock { values.map { $0! } } }
}

/// A cleaned copy written with plain writes and no fsync: the originals stay where they were, so a power cut costs
/// only a rerun, while an fsync per file would cost more than cleaning a photo does. Never replaces a file.
final class PlainFileSink: ByteSink {
    private let descriptor: Int32

    init(creating url: URL) throws {
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure(description: errno == EEXIST ? "the output file already exists" : "cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { Glibc.close(descriptor) }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw CommandFailure(description: "cannot write: \(String(cString: strerror(errno)))") }
                offset += count
            }
        }
    }
}
