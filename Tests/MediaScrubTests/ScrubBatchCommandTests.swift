import Foundation
import Testing

/// `evidence-drop scrub --out-dir DIR FILE|FOLDER…`, run as the operator runs it.
@Suite("scrub --out-dir: a folder of files cleaned in one command",
       .enabled(if: ScrubProcess.isAvailable && Tool.exiftool != nil && Tool.convert != nil, "evidence-drop, exiftool or ImageMagick missing"))
struct ScrubBatchCommandTests {
    struct Run {
        let status: Int32
        let output: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let (output, status) = try Tool.runAnyStatus(ScrubProcess.binary.path, ["scrub"] + arguments)
        return Run(status: status, output: String(decoding: output, as: UTF8.self))
    }

    /// A JPEG with an artist and a position, made by ImageMagick and tagged by exiftool.
    static func photo(at url: URL, label: String) throws {
        _ = try Tool.run(Tool.convert!, ["-size", "32x24", "plasma:", url.path])
        _ = try Tool.run(Tool.exiftool!, ["-q", "-overwrite_original", "-Artist=MARKER\(label)", "-GPSLatitude=43.2389", "-GPSLatitudeRef=N", url.path])
    }

    @Test("cleans every file of a folder tree and each file named, lists refusals with reasons, replaces nothing")
    func cleansAFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("scrub-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("phone")
        let nested = folder.appendingPathComponent("DCIM/100")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try Self.photo(at: folder.appendingPathComponent("photo.jpg"), label: "one")
        try Self.photo(at: nested.appendingPathComponent("IMG_0001.jpg"), label: "two")
        try Data("not media".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try Data("hidden".utf8).write(to: folder.appendingPathComponent(".hidden"))
        let loose = root.appendingPathComponent("photo.jpg")
        try Self.photo(at: loose, label: "three")
        // The output folder inside the input folder: what is written there is never read back as input.
        let out = folder.appendingPathComponent("cleaned")

        let first = try Self.run(["--out-dir", out.path, folder.path, loose.path])
        #expect(first.status == 1, "a refused file sets status 1: \(first.output)")
        #expect(first.output.contains("cleaned 3 of 4 files into \(out.path)"), "\(first.output)")
        #expect(first.output.contains("refused  phone/notes.txt  not a file type this cleans"), "\(first.output)")
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { !$0.hasSuffix("/") }.sorted()
        #expect(written == ["phone", "phone/DCIM", "phone/DCIM/100", "phone/DCIM/100/IMG_0001.jpg", "phone/photo.jpg", "photo.jpg"], "\(written)")
        for (name, original) in [("phone/photo.jpg", folder.appendingPathComponent("photo.jpg")), ("phone/DCIM/100/IMG_0001.jpg", nested.appendingPathComponent("IMG_0001.jpg")), ("photo.jpg", loose)] {
            let cleaned = [UInt8](try Data(contentsOf: out.appendingPathComponent(name)))
            let single = root.appendingPathComponent("single-\(UUID().uuidString).jpg")
            #expect(try Self.run([original.path, single.path]).status == 0)
            #expect(cleaned == [UInt8](try Data(contentsOf: single)), "the same bytes as cleaning the file alone: \(name)")
            let tags = String(decoding: try Tool.run(Tool.exiftool!, ["-a", "-u", "-G1", out.appendingPathComponent(name).path]), as: UTF8.self)
            #expect(!tags.contains("MARKER") && !tags.contains("GPS"), "\(tags)")
            #expect(try Tool.decodedPixels(cleaned, ext: "jpg") == Tool.decodedPixels([UInt8](try Data(contentsOf: original)), ext: "jpg"))
        }

        // Two inputs with one name get distinct outputs; existing outputs are never replaced.
        let firstOutput = Data("a file of the operator's".utf8)
        try firstOutput.write(to: out.appendingPathComponent("photo.jpg"))
        let again = try Self.run(["--out-dir", out.path, loose.path, folder.appendingPathComponent("photo.jpg").path])
        #expect(again.status == 1 && again.output.contains("cleaned 1 of 2 files"), "\(again.output)")
        #expect(again.output.contains("refused  photo.jpg  the output file already exists"), "\(again.output)")
        #expect(again.output.contains("cleaned  photo (2).jpg  (JPEG image; removed: "), "\(again.output)")
        #expect(try Data(contentsOf: out.appendingPathComponent("photo.jpg")) == firstOutput, "an existing output is left as it was")
        let fresh = root.appendingPathComponent("fresh")
        let renamed = try Self.run(["--out-dir", fresh.path, loose.path, folder.appendingPathComponent("photo.jpg").path])
        #expect(renamed.status == 0, "\(renamed.output)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: fresh.path)) == ["photo.jpg", "photo (2).jpg"])
    }

    @Test("without --out-dir it takes exactly INPUT and OUTPUT; a missing input is a usage error")
    func usage() throws {
        #expect(try Self.run(["only-one"]).status == 2)
        #expect(try Self.run(["--out-dir", "/tmp/x-\(UUID().uuidString)"]).status == 2)
        #expect(try Self.run(["--out-dir", "/tmp/x-\(UUID().uuidString)", "/nonexistent-\(UUID().uuidString)"]).status == 2)
    }
}
