/// Cleans Matroska (.mkv) and WebM files without moving a byte: SeekHead and Cues hold positions relative to the
/// Segment's data, so every removed element becomes a `Void` element of the same total size with zeroed data, and
/// the cleaned file is exactly as long as the original.
///
/// Removed: Tags, Attachments and Chapters wherever they are (also after the Clusters); every Info child but
/// TimestampScale and Duration (title, date, muxing and writing application, file names, segment UUIDs and links);
/// in each TrackEntry the track name, codec name and settings, attachment link and any child playback does not
/// need, and the comments in Vorbis and Theora codec headers (`MatroskaXiphHeaders`); the codec headers and frames
/// of subtitle, metadata and other text tracks (block headers stay, so players see empty frames; the Clusters'
/// CRC-32 goes with them); SeekHead entries pointing at removed elements; unknown level-1 and EBML header
/// elements; the data of Void elements; anything after the last Segment. Kept byte for byte: the EBML header's
/// versions and DocType, Cues, and Clusters, streamed in blocks. Only the EBML header, SeekHead, Info and Tracks
/// are held in memory, each capped. Unknown-size Segments and Clusters (live and browser recordings) end where an
/// element that cannot be their child begins. A file cut short inside its media data is cleaned as far as it goes.
struct MatroskaScrubber: Scrubber {
    let mediaType: MediaType

    func scrub(from source: any ByteSource, to sink: any ByteSink) throws -> RemovalReport {
        let batching = BatchingByteSink(sink)
        let walk = MatroskaWalk(reader: ByteReader(source), sink: batching, mediaType: mediaType)
        try walk.run()
        try batching.flush()
        return walk.report
    }
}
