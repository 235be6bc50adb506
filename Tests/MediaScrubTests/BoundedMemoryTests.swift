import Foundation
import TestCorpus
import Testing

/// Crafted files that once made one upload take gigabytes or minutes (issue 21): what cleaning costs must be bounded
/// by design, whatever the file claims. Each file is cleaned by `evidence-drop scrub` in a child process, at a small
/// and a large size, and both runs must stay under the same bounds.
@Suite("Bounded memory and time on crafted files", .serialized)
struct BoundedMemoryTests {
    static let memoryBound = 150 << 20
    static let secondsBound = 60.0

    /// Cleans the file `make` writes at each size and checks the bounds; returns the runs, smallest first.
    static func measure(_ name: String, sizes: [Int], make: (URL, Int) throws -> Void) throws -> [ScrubProcess] {
        try #require(ScrubProcess.isAvailable, "needs \(ScrubProcess.binary.path) (swift build --build-tests) and /usr/bin/time")
        let folder = try GeneratedImage.WorkDirectory()
        var runs: [ScrubProcess] = []
        for size in sizes {
            let input = folder.url.appendingPathComponent("\(size)-" + name)
            try make(input, size)
            let run = try ScrubProcess.run(input)
            try FileManager.default.removeItem(at: input)
            #expect(run.peakResidentBytes < memoryBound, "\(name) at size \(size): peak RSS \(run.peakResidentBytes >> 20) MiB")
            #expect(run.seconds < secondsBound, "\(name) at size \(size): \(run.seconds) s")
            runs.append(run)
        }
        return runs
    }

    @Test("timed-metadata tracks of 15 × 1,000,000 chunks are refused in bounded memory; 15 × 20,000 are cleaned")
    func metadataTrackChunks() throws {
        let runs = try Self.measure("meta-tracks.mp4", sizes: [20_000, 1_000_000]) { url, chunks in
            try CraftedFiles.metadataTrackMovie(at: url, moovs: 1, tracks: 15, chunks: chunks)
        }
        #expect(runs.first?.succeeded == true, "\(runs.first?.text ?? "")")
        #expect(runs.last?.succeeded == false && runs.last?.text.contains("more than 1000000 chunks") == true, "\(runs.last?.text ?? "")")
    }

    @Test("a movie with three moov boxes is refused as malformed, in bounded memory however many chunks they list")
    func threeMovieBoxes() throws {
        // Each movie alone lists fewer chunks than the cap on removed tracks (15 × 66,000 < 1,000,000).
        let runs = try Self.measure("three-moov.mp4", sizes: [20_000, 66_000]) { url, chunks in
            try CraftedFiles.metadataTrackMovie(at: url, moovs: 3, tracks: 15, chunks: chunks)
        }
        for run in runs {
            #expect(!run.succeeded && run.text.contains("second moov box"), "\(run.text)")
        }
    }

    @Test("a GIF graphic control extension is refused once it passes 64 bytes, without collecting the rest")
    func longGraphicControlExtension() throws {
        let runs = try Self.measure("long-control.gif", sizes: [8 << 20, 160 << 20]) { url, bytes in
            try CraftedFiles.gifWithLongControlExtension(at: url, bytes: bytes)
        }
        for run in runs {
            #expect(!run.succeeded && run.text.contains("graphic control extension"), "\(run.text)")
        }
    }

    @Test("an Ogg stream of millions of empty pages is cleaned in bounded memory, within the time bound")
    func emptyOggPages() throws {
        let runs = try Self.measure("empty-pages.opus", sizes: [100_000, 2_000_000]) { url, count in
            try CraftedFiles.opusOfEmptyPages(at: url, pages: count)
        }
        // Its speed is a goal for Scripts/bench.sh, not for a test that shares the machine with the others.
        for run in runs { #expect(run.succeeded, "\(run.text)") }
    }
}
