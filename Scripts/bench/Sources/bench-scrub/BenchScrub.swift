// MediaScrub in process, for Scripts/bench.sh.
//
//   bench-scrub list DIR                          the files of DIR (recursively) that MediaScrub cleans, one per line:
//                                                 FORMAT<TAB>BYTES<TAB>PATH; files it refuses or fails on go to
//                                                 standard error with the reason
//   bench-scrub corpus LISTFILE --out DIR [--rounds N]
//                                                 cleans every listed file, file to file (read from the page cache,
//                                                 the cleaned copy written to DIR, as `evidence-drop scrub` and
//                                                 `exiftool -o` do), N rounds; per format the median round:
//                                                 FORMAT<TAB>files<TAB>bytes<TAB>seconds, then TOTAL, and the same
//                                                 for the scrubber alone (memory to memory) as MEMORY-FORMAT lines
//   bench-scrub file IN [--out OUT]               cleans one file (to OUT, else to a sink that only counts):
//                                                 seconds<TAB>input bytes<TAB>output bytes<TAB>peak RSS KiB

import BenchSupport
import EvidenceCore
import Foundation
import MediaScrub

@main
struct BenchScrub {
    static func main() throws {
        let options = Options()
        do {
            switch options.words.first {
            case "list": try list(options)
            case "corpus": try corpus(options)
            case "file": try file(options)
            default: throw BenchUsageError("usage: bench-scrub list DIR | corpus LISTFILE --out DIR [--rounds N] | file IN [--out OUT]")
            }
        } catch let error as BenchUsageError {
            FileHandle.standardError.write(Data("bench-scrub: \(error)\n".utf8))
            exit(2)
        }
    }

    static func list(_ options: Options) throws {
        guard options.words.count == 2 else { throw BenchUsageError("list takes one folder") }
        let root = URL(fileURLWithPath: options.words[1])
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw BenchUsageError("cannot read \(root.path)")
        }
        var paths: [String] = []
        for case let url as URL in enumerator where (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            paths.append(url.path)
        }
        for path in paths.sorted() {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            guard let type = MediaSniffer.sniff(bytes.prefix(MediaSniffer.prefixLength)) else {
                FileHandle.standardError.write(Data("skipped (not a type MediaScrub cleans): \(path)\n".utf8))
                continue
            }
            do {
                _ = try MediaScrubber.scrub(from: MemoryByteSource(bytes), to: CountingSink())
                print("\(type.rawValue)\t\(bytes.count)\t\(path)")
            } catch {
                FileHandle.standardError.write(Data("skipped (MediaScrub refuses it: \(error)): \(path)\n".utf8))
            }
        }
    }

    struct Entry {
        let format: String
        let size: Int
        let path: String
    }

    static func corpus(_ options: Options) throws {
        guard options.words.count == 2 else { throw BenchUsageError("corpus takes one list file") }
        let rounds = try options.int("rounds", default: 15)
        let out = URL(fileURLWithPath: try options.string("out"), isDirectory: true)
        let entries: [Entry] = try String(contentsOfFile: options.words[1], encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", maxSplits: 2).map(String.init)
            guard fields.count == 3, let size = Int(fields[1]) else { throw BenchUsageError("bad list line: \(line)") }
            return Entry(format: fields[0], size: size, path: fields[2])
        }
        let formats = Array(Set(entries.map(\.format))).sorted()
        let contents = try entries.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0.path))) }

        // File to file, as a reviewer's `evidence-drop scrub` or the server's spool-to-blob path does.
        var fileRounds: [[String: Double]] = []
        var fileTotals: [Double] = []
        for _ in 0..<rounds {
            try? FileManager.default.removeItem(at: out)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            var perFormat: [String: Double] = [:]
            let roundStart = monotonicSeconds()
            for (index, entry) in entries.enumerated() {
                let start = monotonicSeconds()
                let sink = try FileByteSink(creating: out.appendingPathComponent("\(index)"))
                _ = try MediaScrubber.scrub(from: try FileByteSource(URL(fileURLWithPath: entry.path)), to: sink)
                try sink.close()
                perFormat[entry.format, default: 0] += monotonicSeconds() - start
            }
            fileTotals.append(monotonicSeconds() - roundStart)
            fileRounds.append(perFormat)
        }
        try? FileManager.default.removeItem(at: out)

        // Memory to memory: the scrubber alone.
        var memoryRounds: [[String: Double]] = []
        var memoryTotals: [Double] = []
        var checksum: UInt64 = 0
        for _ in 0..<rounds {
            var perFormat: [String: Double] = [:]
            let roundStart = monotonicSeconds()
            for (index, entry) in entries.enumerated() {
                let start = monotonicSeconds()
                let sink = CountingSink()
                _ = try MediaScrubber.scrub(from: MemoryByteSource(contents[index]), to: sink)
                checksum &+= sink.checksum
                perFormat[entry.format, default: 0] += monotonicSeconds() - start
            }
            memoryTotals.append(monotonicSeconds() - roundStart)
            memoryRounds.append(perFormat)
        }

        for (prefix, perRound, totals) in [("", fileRounds, fileTotals), ("MEMORY-", memoryRounds, memoryTotals)] {
            for format in formats {
                let chosen = entries.filter { $0.format == format }
                let seconds = median(perRound.map { $0[format] ?? 0 })
                print("\(prefix)\(format)\t\(chosen.count)\t\(chosen.map(\.size).reduce(0, +))\t\(seconds)")
            }
            print("\(prefix)TOTAL\t\(entries.count)\t\(entries.map(\.size).reduce(0, +))\t\(median(totals))")
        }
        FileHandle.standardError.write(Data("bench-scrub: \(rounds) rounds, checksum \(checksum)\n".utf8))
    }

    static func file(_ options: Options) throws {
        guard options.words.count == 2 else { throw BenchUsageError("file takes one input") }
        let input = URL(fileURLWithPath: options.words[1])
        let size = try FileManager.default.attributesOfItem(atPath: input.path)[.size] as? Int ?? 0
        let start = monotonicSeconds()
        let written: Int
        if let out = options.optionalString("out") {
            try? FileManager.default.removeItem(atPath: out)
            let sink = try FileByteSink(creating: URL(fileURLWithPath: out))
            _ = try MediaScrubber.scrub(from: try FileByteSource(input), to: sink)
            try sink.close()
            written = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int ?? 0
        } else {
            let sink = CountingSink()
            _ = try MediaScrubber.scrub(from: try FileByteSource(input), to: sink)
            written = sink.count
        }
        let seconds = monotonicSeconds() - start
        print("\(seconds)\t\(size)\t\(written)\t\(peakRSSKiB())")
    }
}
