import Foundation
@testable import MediaScrub
import Testing

/// The places cameras, drones and dashcams keep a track of where they were, each built from its published layout into
/// an ffmpeg movie: exiftool -ee reads the position from the original and finds none in the cleaned file, whose video
/// and audio streams are unchanged.
@Suite("Telemetry stores in movies", .enabled(if: Tool.exiftool != nil && ISOOracle.ffmpeg != nil, "exiftool or ffmpeg not installed"))
struct TelemetryStoresTests {
    static let latitude = 43.2389
    static let longitude = 76.8897
    /// What exiftool prints of a position (numbers with `-n`; float storage may change the last digits).
    static let positionText = ["GPS Latitude", "GPS Longitude", "GPS Coordinates", "43.238", "76.889"]

    static func plainMovie(_ ext: String = "mp4") throws -> [UInt8] {
        let movie = try ISOBMFFArrivingTests.movie("telemetry.\(ext)", ISOBMFFGeneratedTests.video)
        #expect(ISOBMFFArrivingTests.indexLast(movie), "ffmpeg writes the index last, which the surgery below relies on")
        return movie
    }

    /// exiftool -ee's full listing, positions as numbers.
    static func exiftoolListing(_ bytes: [UInt8], ext: String = "mp4") throws -> String {
        let file = try TemporaryFile(bytes, ext: ext)
        return String(decoding: try Tool.run(Tool.exiftool!, ["-ee", "-a", "-u", "-G1", "-n", file.url.path]), as: UTF8.self)
    }

    static func showsPosition(_ listing: String) -> Bool {
        positionText.contains { listing.contains($0) }
    }

    /// Checks the original shows the position, then that the cleaned file shows none, plays the same and is no larger.
    static func expectRemoved(_ original: [UInt8], ext: String = "mp4", label: String, planted: [UInt8]? = nil) throws {
        let before = try exiftoolListing(original, ext: ext)
        #expect(showsPosition(before), "the test file must hold a position exiftool reads: \(before)")
        let (cleaned, report) = try scrub(original)
        let after = try exiftoolListing(cleaned, ext: ext)
        #expect(!showsPosition(after), "\(after)")
        #expect(report.removed.contains { $0.what.hasPrefix(label) }, "\(report.removed)")
        if let planted { #expect(!ISOOracle.contains(cleaned, planted)) }
        #expect(try ISOOracle.streamHash(cleaned, ext: ext) == ISOOracle.streamHash(original, ext: ext))
        #expect(cleaned.count <= original.count)
        let (again, second) = try scrub(cleaned)
        #expect(again == cleaned && second.removed == [], "\(second.removed)")
    }

    @Test("a GoPro GPMF track (gpmd) is removed and its samples zeroed")
    func goProGPMF() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        let position: [Int32] = [Int32(Self.latitude * 1e7), Int32(Self.longitude * 1e7), 512_000, 1_000, 100]
        let gps = GPMF.klv("GPS5", "l", position.flatMap(GPMF.int32))
        let scales: [Int32] = [10_000_000, 10_000_000, 1_000, 1_000, 100]
        let scale = GPMF.klv("SCAL", "l", scales.flatMap(GPMF.int32), structSize: 4, repeats: 5)
        let stream = GPMF.klv("STRM", nested: GPMF.klv("GPSF", "L", GPMF.int32(3)) + scale + gps)
        let sample = GPMF.klv("DEVC", nested: GPMF.klv("DVNM", "c", Array("MARKERcam".utf8)) + stream)
        movie.addTrack(handler: "meta", entry: "gpmd", samples: [sample, sample])
        try Self.expectRemoved(movie.bytes, label: "timed metadata or timecode track (meta)", planted: Array("MARKERcam".utf8))
    }

    @Test("a Google camm track (type 5: latitude, longitude, altitude) is removed and its samples zeroed")
    func camm() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        let sample: [UInt8] = [0, 0, 5, 0] + MovieSurgery.doublesLE([Self.latitude, Self.longitude, 512])
        movie.addTrack(handler: "camm", entry: "camm", samples: [sample, sample, sample])
        try Self.expectRemoved(movie.bytes, label: "timed metadata or timecode track (camm)")
    }

    @Test("DJI djmd and dbgi tracks (protobuf per frame) are removed and their samples zeroed")
    func djiTracks() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        // A protobuf message: field 1 (string) the model, field 2 (string) a position in the drone's text form.
        let position = Array("GPS (\(Self.longitude), \(Self.latitude), 18)".utf8)
        let message = [0x0A, 9] + Array("MARKERdji".utf8) + [0x12, UInt8(position.count)] + position
        movie.addTrack(handler: "meta", entry: "djmd", samples: [message, message])
        movie.addTrack(handler: "meta", entry: "dbgi", samples: [Array("MARKERdbgi serial 0123456789".utf8)])
        let (cleaned, report) = try scrub(movie.bytes)
        #expect(!ISOOracle.contains(cleaned, Array("MARKER".utf8)) && !ISOOracle.contains(cleaned, Array("76.8897".utf8)))
        #expect(report.removed.first { $0.what == "timed metadata or timecode track (meta)" }?.count == 2, "\(report.removed)")
        #expect(!Self.showsPosition(try Self.exiftoolListing(cleaned)))
        #expect(try ISOOracle.streamHash(cleaned, ext: "mp4") == ISOOracle.streamHash(movie.bytes, ext: "mp4"))
    }

    /// Novatek dashcams write a 32 KiB "freeGPS " block into the media data every second, named by no track.
    static func freeGPSBlock() -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 0x8000)
        block.replaceSubrange(0..<12, with: [0, 0, 0x80, 0] + Array("freeGPS ".utf8))
        // ExifTool's INNOVV layout: "A", N/S, E/W, 0, then little-endian floats of latitude and longitude as ddmm.mmmm.
        block.replaceSubrange(16..<20, with: Array("ANE".utf8) + [0])
        for (offset, degrees) in [(20, latitude), (24, longitude)] {
            let minutes = Float(degrees.rounded(.down) * 100 + (degrees - degrees.rounded(.down)) * 60)
            block.replaceSubrange(offset..<(offset + 4), with: MovieSurgery.le(Int(minutes.bitPattern), 4))
        }
        return block
    }

    @Test("a Novatek freeGPS block inside mdat, which no track names, is zeroed")
    func novatekFreeGPS() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        movie.appendToMediaData(Self.freeGPSBlock() + Self.freeGPSBlock())
        try Self.expectRemoved(movie.bytes, label: "media data no track uses", planted: Array("freeGPS".utf8))
    }

    @Test("a freeGPS block is zeroed also when the file is cleaned as it arrives (zeroed after, by the sink)")
    func novatekFreeGPSArriving() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        movie.appendToMediaData(Self.freeGPSBlock())
        let arriving = try ISOBMFFArrivingTests.scrubArriving(movie.bytes)
        #expect(!ISOOracle.contains(arriving.output, Array("freeGPS".utf8)) && arriving.sink.requests.count == 1)
        let twoPasses = try scrub(movie.bytes)
        #expect(arriving.output == twoPasses.output)
        // The same report too: the sink counts what it zeroed of the block (not its zero padding), as two passes do.
        #expect(arriving.report == twoPasses.report, "\(arriving.report.removed) \(twoPasses.report.removed)")
        let unused = twoPasses.report.removed.first { $0.what == "media data no track uses (in mdat)" }
        #expect(unused.map { $0.bytes > 0 && $0.bytes < 0x8000 } == true, "only the block's non-zero bytes: \(String(describing: unused))")
    }

    @Test("'gps ' boxes at the top level and inside moov (a list of the freeGPS blocks) are removed")
    func gpsBoxes() throws {
        var movie = MovieSurgery(try Self.plainMovie())
        let blockOffset = movie.mediaDataEnd
        movie.appendToMediaData(Self.freeGPSBlock())
        // Novatek's GPSDataList: version, count, then (offset, size) of each block.
        let list = ISOBMFFSyntheticTests.box("gps ", [0, 0, 0, 0x65, 0, 0, 0, 1] + MovieSurgery.be(blockOffset, 4) + MovieSurgery.be(0x8000, 4))
        movie.insertIntoMovie(list)
        movie.insertBeforeMovie(ISOBMFFSyntheticTests.box("gps ", Array("MARKERgps \(Self.latitude),\(Self.longitude)".utf8)))
        try Self.expectRemoved(movie.bytes, label: "media data no track uses", planted: Array("MARKERgps".utf8))
        let (_, report) = try scrub(movie.bytes)
        #expect(report.removed.filter { $0.what == "box gps " }.map(\.count) == [2], "\(report.removed)")
    }

    /// Samsung's trailer: data blocks, then a SEFH directory of (type, distance back, size), its length and "SEFT".
    static func samsungTrailer() -> [UInt8] {
        let name = Array("Image_UTC_Data".utf8)
        let data = [0, 0, 0x01, 0x0A] + MovieSurgery.le(name.count, 4) + name + Array("1701993599000 MARKERsamsung".utf8)
        let directory = Array("SEFH".utf8) + MovieSurgery.le(101, 4) + MovieSurgery.le(1, 4)
            + [0, 0, 0x01, 0x0A] + MovieSurgery.le(data.count, 4) + MovieSurgery.le(data.count, 4)
        return data + directory + MovieSurgery.le(directory.count, 4) + Array("SEFT".utf8)
    }

    /// Insta360's trailer, read from its end: records, each followed by (id, length), then the length and a magic.
    static func insta360Trailer() -> [UInt8] {
        var gps = MovieSurgery.le(1_701_993_599, 4) + MovieSurgery.le(0, 4) + MovieSurgery.le(0, 2) + Array("A".utf8)
        gps += MovieSurgery.doublesLE([latitude]) + Array("N".utf8) + MovieSurgery.doublesLE([longitude]) + Array("E".utf8)
        gps += MovieSurgery.doublesLE([0, 90, 512])
        var footer = MovieSurgery.le(0x700, 2) + MovieSurgery.le(gps.count, 4) + [UInt8](repeating: 0, count: 32)
        footer += MovieSurgery.le(gps.count + 78, 4) + MovieSurgery.le(3, 4) + Array("8db42d694ccc418790edff439fe026bf".utf8)
        return gps + footer
    }

    @Test("a trailer after the last box (Samsung SEFT, Insta360) is dropped", arguments: ["samsung", "insta360"])
    func trailers(kind: String) throws {
        var movie = MovieSurgery(try Self.plainMovie())
        let trailer = kind == "samsung" ? Self.samsungTrailer() : Self.insta360Trailer()
        movie.bytes += trailer
        let (cleaned, report) = try scrub(movie.bytes)
        #expect(cleaned.count == movie.bytes.count - trailer.count)
        #expect(report.removed.contains(RemovedItem(what: "data after the last box (a camera's trailer)", count: 1, bytes: trailer.count)), "\(report.removed)")
        #expect(try ISOOracle.streamHash(cleaned, ext: "mp4") == ISOOracle.streamHash(movie.bytes, ext: "mp4"))
        let before = try Self.exiftoolListing(movie.bytes)
        let after = try Self.exiftoolListing(cleaned)
        if kind == "samsung" {
            // ExifTool decodes Samsung's trailer in JPEGs only; in a movie it notes bytes that are no box.
            #expect(before.contains("Truncated"), "exiftool sees the trailer: \(before)")
            #expect(!after.contains("Truncated") && !ISOOracle.contains(cleaned, Array("MARKERsamsung".utf8)))
        } else {
            #expect(Self.showsPosition(before), "exiftool reads the trailer: \(before)")
            #expect(!Self.showsPosition(after) && !after.contains("Insta360"))
        }
        // The same when the file is cleaned while it arrives.
        let arriving = try ISOBMFFArrivingTests.scrubArriving(movie.bytes)
        #expect(arriving.output == cleaned && arriving.report == report)
    }

    @Test("a box cut short at the end after the index is a trailer too; before the index it is still refused")
    func cutBoxes() throws {
        let movie = try Self.plainMovie()
        let lying = ISOBMFFSyntheticTests.box("SEFD", Array("MARKER".utf8))
        var cut = movie + lying
        cut.replaceSubrange((movie.count)..<(movie.count + 4), with: MovieSurgery.be(1 << 20, 4))
        let (cleaned, report) = try scrub(cut)
        #expect(cleaned == (try scrub(movie)).output && report.removed.contains { $0.what.hasPrefix("data after the last box") })
        let movieOffset = MovieSurgery(movie).movieOffset
        #expect(throws: ScrubError.self) { _ = try scrub(Array(movie[..<movieOffset]) + [1, 2, 3, 4, 5, 6, 7, 8, 9]) }
    }
}

/// GoPro's GPMF key-length-value layout: a four-letter key, a type letter, the size of one structure and the repeat
/// count (big-endian), then the data padded to four bytes. Type 0 nests further KLVs.
enum GPMF {
    static func klv(_ key: String, _ type: Character, _ data: [UInt8], structSize: Int? = nil, repeats: Int = 1) -> [UInt8] {
        let size = structSize ?? data.count / repeats
        return Array(key.utf8) + [type.asciiValue!, UInt8(size)] + MovieSurgery.be(repeats, 2) + data
            + [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
    }

    static func klv(_ key: String, nested: [UInt8]) -> [UInt8] {
        Array(key.utf8) + [0, 4] + MovieSurgery.be(nested.count / 4, 2) + nested
    }

    static func int32(_ value: Int32) -> [UInt8] { MovieSurgery.be(Int(UInt32(bitPattern: value)), 4) }
}

/// Edits an ffmpeg movie laid out as ftyp, free, mdat, moov (index last): everything added goes before the moov, so
/// no chunk offset of the existing tracks moves.
struct MovieSurgery {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func be(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le(_ value: Int, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func doublesLE(_ values: [Double]) -> [UInt8] { values.flatMap { value in le(Int(truncatingIfNeeded: value.bitPattern), 8) } }

    var movieOffset: Int { (ISOOracle.topLevel(bytes) ?? []).first { $0.type == "moov" }!.offset }
    var mediaData: (offset: Int, size: Int) {
        let mdat = (ISOOracle.topLevel(bytes) ?? []).first { $0.type == "mdat" }!
        return (mdat.offset, mdat.size)
    }
    var mediaDataEnd: Int { mediaData.offset + mediaData.size }

    /// Grows the mdat by `block`, at its end: data that no track names.
    mutating func appendToMediaData(_ block: [UInt8]) {
        let (offset, size) = mediaData
        bytes.insert(contentsOf: block, at: offset + size)
        bytes.replaceSubrange(offset..<(offset + 4), with: Self.be(size + block.count, 4))
    }

    mutating func insertBeforeMovie(_ box: [UInt8]) {
        bytes.insert(contentsOf: box, at: movieOffset)
    }

    /// Appends `box` to the moov's children.
    mutating func insertIntoMovie(_ box: [UInt8]) {
        let moov = movieOffset
        let size = Int(ISOBMFF.uint(bytes, at: moov, width: 4)!)
        bytes.insert(contentsOf: box, at: moov + size)
        bytes.replaceSubrange(moov..<(moov + 4), with: Self.be(size + box.count, 4))
    }

    /// Adds a track of `handler` whose samples, described by a sample entry of type `entry`, lie in a new mdat in
    /// one chunk.
    mutating func addTrack(handler: String, entry: String, samples: [[UInt8]]) {
        let box = ISOBMFFSyntheticTests.box
        let data = samples.flatMap { $0 }
        let dataOffset = movieOffset + 8
        insertBeforeMovie(box("mdat", data))
        let fullBox = { (type: String, payload: [UInt8]) in box(type, [0, 0, 0, 0] + payload) }
        let identity: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0]
        let tkhd = box("tkhd", [0, 0, 0, 7] + Self.be(0, 8) + Self.be(99, 4) + Self.be(0, 4) + Self.be(1000, 4) + Self.be(0, 8) + Self.be(0, 8) + identity + Self.be(0, 8))
        let mdhd = fullBox("mdhd", Self.be(0, 8) + Self.be(1000, 4) + Self.be(1000, 4) + [0x55, 0xC4, 0, 0])
        let hdlr = fullBox("hdlr", Self.be(0, 4) + Array(handler.utf8) + Self.be(0, 12) + Array("MARKERhandler".utf8) + [0])
        let dinf = box("dinf", fullBox("dref", Self.be(1, 4) + box("url ", [0, 0, 0, 1])))
        let sampleEntry = box(entry, Self.be(0, 6) + Self.be(1, 2))
        let stbl = box("stbl", fullBox("stsd", Self.be(1, 4) + sampleEntry)
            + fullBox("stts", Self.be(1, 4) + Self.be(samples.count, 4) + Self.be(1000 / samples.count, 4))
            + fullBox("stsc", Self.be(1, 4) + Self.be(1, 4) + Self.be(samples.count, 4) + Self.be(1, 4))
            + fullBox("stsz", Self.be(0, 4) + Self.be(samples.count, 4) + samples.flatMap { Self.be($0.count, 4) })
            + fullBox("stco", Self.be(1, 4) + Self.be(dataOffset, 4)))
        let minf = box("minf", fullBox("nmhd", []) + dinf + stbl)
        insertIntoMovie(box("trak", tkhd + box("mdia", mdhd + hdlr + minf)))
    }
}
