import Foundation
import Testing
@testable import MediaScrub

/// PNG iCCP cleaning: the profile inside the zlib stream loses its identifying fields (device maker and
/// model, creator, date, ID, device-description texts) and keeps its colour data; the inflater is hostile-safe.
@Suite("PNG iCCP cleaning",
       .enabled(if: Tool.exiftool != nil && Tool.convert != nil && GeneratedImage.compare != nil,
                "needs exiftool and ImageMagick (convert, compare)"))
struct PNGICCPTests {
    typealias G = GeneratedImage

    /// exiftool writes an ICC profile into a PNG as a zlib-compressed iCCP chunk.
    @Test("an iCCP profile's device manufacturer/model and dmnd/dmdd texts do not survive")
    func iccpIdentifyingFields() throws {
        let dir = try G.WorkDirectory()
        let prefix = G.markerPrefix("C")
        try G.run(Tool.convert!, ["-size", "20x10", "gradient:red-blue", "PNG24:" + dir.path("icc.png")])
        try dir.write(G.iccProfile(dmnd: prefix + "-dmnd", dmdd: prefix + "-dmdd", desc: "Generated RGB", cprt: "No copyright",
                                   padding: 64), to: "profile.icc")
        try G.run(Tool.exiftool!, ["-q", "-overwrite_original", "-ICC_Profile<=" + dir.path("profile.icc"), dir.path("icc.png")])
        let original = try dir.read("icc.png")
        #expect(try G.exiftoolText(dir.path("icc.png")).contains(prefix + "-dmnd"), "the oracle must see the marker in the original")
        let (cleaned, _) = try scrub(original)
        try dir.write(cleaned, to: "cleaned.png")
        let text = try G.exiftoolText(dir.path("cleaned.png"))
        #expect(!text.contains(prefix), "ICC dmnd/dmdd text left in the iCCP chunk")
        #expect(!text.contains("MSMF") && !text.contains("MSMD") && !text.contains("MSCB"), "ICC header device fields left")
    }

    /// The identifying byte ranges of an ICC profile: header date, manufacturer, model, creator and ID, and
    /// the contents (past type and reserved bytes) of the device-description and description tags. Parsed here
    /// independently.
    static func identifyingRanges(_ profile: [UInt8]) -> [Range<Int>] {
        func be32(_ at: Int) -> Int { profile[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var ranges = [4..<8, 24..<36, 48..<56, 80..<100]
        guard profile.count >= 132 else { return ranges }
        for index in 0..<min(be32(128), 1024) where 132 + index * 12 + 12 <= profile.count {
            let entry = 132 + index * 12
            let signature = String(decoding: profile[entry..<entry + 4], as: UTF8.self)
            if ["dmnd", "dmdd", "targ", "meta", "cprt", "desc", "dscm"].contains(signature) {
                ranges.append((be32(entry + 4) + 8)..<(be32(entry + 4) + be32(entry + 8)))
            }
        }
        return ranges
    }

    /// exiftool's extraction of the raw ICC profile (an oracle that shares no inflate code with the scrubber).
    static func extractedProfile(_ path: String) throws -> [UInt8] {
        [UInt8](try G.run(Tool.exiftool!, ["-b", "-ICC_Profile", path]))
    }

    @Test("every corpus PNG's iCCP profile keeps its colour data; only identifying fields change; exiftool sees no ICC leak",
          .enabled(if: Corpus.isAvailable, "corpus not found at <repo>/../shared/corpus"), arguments: Corpus.pngFiles)
    func corpusICCP(path: String) throws {
        let original = try Corpus.bytes(path)
        let chunks = try #require(PNGChunk.parse(original))
        guard chunks.contains(where: { $0.type == "iCCP" }) else { return }
        let dir = try G.WorkDirectory()
        let (cleaned, report) = try scrub(original)
        try dir.write(original, to: "original.png")
        try dir.write(cleaned, to: "cleaned.png")
        let before = try Self.extractedProfile(dir.path("original.png"))
        let after = try Self.extractedProfile(dir.path("cleaned.png"))
        #expect(!before.isEmpty && after.count == before.count, "the profile must survive whole")
        let allowed = Self.identifyingRanges(before)
        let changed = zip(before, after).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(changed.allSatisfy { offset in allowed.contains { $0.contains(offset) } }, "colour data changed in \(path)")
        let iccp = try #require(PNGChunk.parse(cleaned)?.first { $0.type == "iCCP" })
        #expect(iccp.data.starts(with: Array("ICC profile".utf8) + [0, 0]))
        #expect(Leak.find(in: try Tool.exiftoolTags(cleaned, ext: "png"), iccIsLeak: true) == [])
        #expect(try G.differingPixels(dir.path("original.png"), dir.path("cleaned.png")) == 0)
        if !changed.isEmpty { #expect(report.added.contains("ICC colour profile, with its identifying fields blanked")) }
    }

    /// The zlib streams of the corpus PNGs' iCCP chunks: byte flips and cuts reach the inflater directly
    /// (through the scrubber, a flip is caught by the chunk CRC first).
    @Test("the iCCP inflater survives flipped and truncated zlib streams", .timeLimit(.minutes(2)))
    func inflaterMutations() throws {
        var streams: [[UInt8]] = []
        for path in Corpus.pngFiles {
            for chunk in PNGChunk.parse(try Corpus.bytes(path)) ?? [] where chunk.type == "iCCP" {
                if let end = chunk.data.firstIndex(of: 0) { streams.append(Array(chunk.data[(end + 2)...])) }
            }
        }
        #expect(!streams.isEmpty, "the corpus has PNGs with iCCP chunks")
        var random = SplitMix64(seed: 0x1CC9)
        for stream in streams {
            let profile = try Zlib.inflate(stream, maximumOutput: 16 << 20, what: "test")
            #expect(try Zlib.inflate(Zlib.deflate(profile, what: "test"), maximumOutput: 16 << 20, what: "test") == profile)
            for round in 0..<200 {
                var mutated = stream
                if round % 4 == 3 {
                    mutated = Array(stream.prefix(Int(random.next() % UInt64(stream.count))))
                } else {
                    for _ in 0...(round % 3) {
                        mutated[Int(random.next() % UInt64(stream.count))] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
                    }
                }
                let clock = ContinuousClock()
                let start = clock.now
                do {
                    let output = try Zlib.inflate(mutated, maximumOutput: 1 << 20, what: "test")
                    #expect(output.count <= 1 << 20)
                } catch is ScrubError {
                } catch {
                    Issue.record("unexpected error \(error)")
                }
                #expect(clock.now - start < .seconds(5))
            }
        }
    }
}
