import Foundation
import Testing
import MediaScrub

/// Files written by ffmpeg and mkvmerge with every kind of metadata they can plant, cleaned and checked by exiftool
/// (nothing identifying left), ffmpeg (the same packets and decoded frames), ffprobe and mkvinfo (still readable).
@Suite("Matroska scrubber on files made by ffmpeg and mkvmerge",
       .enabled(if: FFmpeg.path != nil && Tool.exiftool != nil && MKV.ffprobe != nil, "ffmpeg, ffprobe or exiftool not installed"))
struct MatroskaGeneratedTests {
    static let video = ["-f", "lavfi", "-i", "testsrc=size=96x64:rate=10:duration=1", "-f", "lavfi", "-i", "sine=duration=1"]
    static let planted = ["-metadata", "title=MARKERtitle", "-metadata", "creation_time=2024-05-06T07:08:09Z",
                          "-metadata", "artist=MARKERartist", "-metadata", "comment=MARKERcomment", "-metadata:s:v", "title=MARKERtrack",
                          "-metadata:s:a", "title=MARKERaudio"]
    /// Strings only the metadata holds: planted values, the writers' names and Vorbis comments (ffmpeg's AAC encoder
    /// writes "Lavc" into the audio itself, which stays).
    static let markers = ["MARKER", "Lavf", "mkvmerge", "libebml", "2024:05:06", "encoder=", "Xiph.Org"]

    /// Cleans `original` through the sniffing entry point and checks it with every oracle.
    static func check(_ original: [UInt8], as type: MediaType, subtitles: Bool = false) throws {
        #expect(markers.contains { RIFFFamily.contains(original, Array($0.utf8)) })
        let originalChecksumsHold = MKV.checksumsHold(original)
        #expect(originalChecksumsHold)
        #expect(try !MKV.leaks(original, ext: type.fileExtension, markers: markers).isEmpty)
        let (cleaned, report) = try scrub(original)
        #expect(report.mediaType == type)
        #expect(cleaned.count == original.count, "the cleaned file has \(cleaned.count) bytes, the original \(original.count)")
        for marker in markers { #expect(!RIFFFamily.contains(cleaned, Array(marker.utf8)), "\(marker) left in the file") }
        #expect(try MKV.leaks(cleaned, ext: type.fileExtension, markers: markers) == [])
        let streams = try MKV.streamHashes(original, ext: type.fileExtension)
        #expect(streams.contains("0,v,") && streams.contains("1,a,"))
        #expect(try MKV.streamHashes(cleaned, ext: type.fileExtension) == streams)
        #expect(try MKV.decodedHashes(cleaned, ext: type.fileExtension) == MKV.decodedHashes(original, ext: type.fileExtension))
        #expect(try MKV.toolsRead(cleaned, ext: type.fileExtension))
        let cleanedChecksumsHold = MKV.checksumsHold(cleaned)
        #expect(cleanedChecksumsHold)
        if subtitles {
            #expect(try MKV.subtitleText(original, ext: type.fileExtension).contains("MARKER"))
            #expect(try !MKV.subtitleText(cleaned, ext: type.fileExtension).contains("MARKER"))
        }
    }

    @Test("ffmpeg Matroska: H.264 and AAC with title, date, tags, track titles, chapters and an attached cover")
    func ffmpegMatroska() throws {
        let directory = try RIFFFamily.Directory()
        let chapters = directory.path("chapters.txt")
        try Data(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=MARKERchapter\n".utf8).write(to: URL(fileURLWithPath: chapters))
        let cover = try FFmpeg.coverPNG()
        defer { try? FileManager.default.removeItem(at: cover) }
        let original = try FFmpeg.make(ext: "mkv", Self.video + ["-i", chapters, "-map", "0", "-map", "1", "-map_chapters", "2",
            "-c:v", "libx264", "-c:a", "aac"] + Self.planted + ["-attach", cover.path, "-metadata:s:t", "mimetype=image/png",
            "-metadata:s:t", "filename=MARKERcover.png"])
        try Self.check(original, as: .matroska)
    }

    @Test("ffmpeg Matroska with a drone-style SRT subtitle track of positions: its frames are zeroed")
    func subtitles() throws {
        let directory = try RIFFFamily.Directory()
        let subtitles = directory.path("positions.srt")
        try Data("1\n00:00:00,000 --> 00:00:00,500\nMARKERgps 51.5007N 0.1246W alt 42m\n\n2\n00:00:00,500 --> 00:00:01,000\nMARKERgps 51.5008N 0.1247W alt 43m\n\n".utf8)
            .write(to: URL(fileURLWithPath: subtitles))
        let original = try FFmpeg.make(ext: "mkv", Self.video + ["-i", subtitles, "-map", "0", "-map", "1", "-map", "2",
            "-c:v", "libx264", "-c:a", "aac", "-c:s", "srt"])
        try Self.check(original, as: .matroska, subtitles: true)
    }

    @Test("ffmpeg WebM: VP8 and Vorbis, VP9 and Opus", arguments: [["libvpx", "libvorbis"], ["libvpx-vp9", "libopus"]])
    func ffmpegWebM(codecs: [String]) throws {
        let original = try FFmpeg.make(ext: "webm", Self.video + ["-c:v", codecs[0], "-c:a", codecs[1]] + Self.planted)
        try Self.check(original, as: .webm)
    }

    @Test("a live WebM written to a pipe: unknown-size Segment")
    func liveWebM() throws {
        let data = try Tool.run(FFmpeg.path!, ["-v", "error"] + Self.video + ["-c:v", "libvpx", "-c:a", "libopus"] + Self.planted
            + ["-f", "webm", "-live", "1", "-"])
        let original = [UInt8](data)
        #expect(RIFFFamily.contains(original, MKV.segmentID + [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
        try Self.check(original, as: .webm)
    }

    @Test("mkvmerge Matroska and WebM: title, track names, global tags, chapters, attachment, a zlib subtitle track",
          .enabled(if: MKV.mkvmerge != nil, "mkvmerge not installed (apt-get install mkvtoolnix)"),
          arguments: ["mkv", "webm"])
    func mkvmerge(ext: String) throws {
        let directory = try RIFFFamily.Directory()
        let webm = ext == "webm"
        let source = try FFmpeg.make(ext: ext, Self.video + (webm ? ["-c:v", "libvpx", "-c:a", "libopus"] : ["-c:v", "libx264", "-c:a", "flac"]))
        try Data(source).write(to: URL(fileURLWithPath: directory.path("in." + ext)))
        try Data("""
            <?xml version="1.0"?>
            <Tags><Tag><Simple><Name>ARTIST</Name><String>MARKERglobalartist</String></Simple>
            <Simple><Name>RECORDING_LOCATION</Name><String>MARKERplace</String></Simple></Tag></Tags>
            """.utf8).write(to: URL(fileURLWithPath: directory.path("tags.xml")))
        try Data("CHAPTER01=00:00:00.000\nCHAPTER01NAME=MARKERchapter\n".utf8).write(to: URL(fileURLWithPath: directory.path("chapters.txt")))
        let cover = try FFmpeg.coverPNG()
        defer { try? FileManager.default.removeItem(at: cover) }
        var arguments = ["-q", "-o", directory.path("out." + ext), "--title", "MARKERtitle", "--global-tags", directory.path("tags.xml"),
                         "--chapters", directory.path("chapters.txt"), "--track-name", "0:MARKERvideo", "--track-name", "1:MARKERaudio"]
        var inputs = [directory.path("in." + ext)]
        if webm {
            arguments = ["--webm"] + arguments
        } else {
            arguments += ["--attachment-name", "MARKERcover.png", "--attachment-mime-type", "image/png", "--attach-file", cover.path]
            // A subtitle track of positions, compressed with zlib: its frames are zeroed and its compression dropped.
            try Data("1\n00:00:00,000 --> 00:00:00,900\nMARKERgps 51.5007N 0.1246W\n\n".utf8).write(to: URL(fileURLWithPath: directory.path("gps.srt")))
            inputs += ["--compression", "0:zlib", directory.path("gps.srt")]
        }
        _ = try Tool.run(MKV.mkvmerge!, arguments + inputs)
        try Self.check(try directory.bytes("out." + ext), as: webm ? .webm : .matroska, subtitles: !webm)
    }
}
