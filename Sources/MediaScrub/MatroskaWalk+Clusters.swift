/// Clusters, copied in blocks, with the frames of subtitle and metadata tracks zeroed.
extension MatroskaWalk {
    /// Whether the TrackEntry `entry` is a text track (`MatroskaElements.textTrackTypes`), whose number it then
    /// remembers; its frames must not have been written yet.
    func noteTextTrack(_ entry: ArraySlice<UInt8>, tracksOffset: Int) throws -> Bool {
        guard let type = EBMLElement.firstChild(IDs.trackType, in: entry).flatMap(EBMLElement.unsigned),
              IDs.textTrackTypes.contains(type)
        else { return false }
        guard let number = EBMLElement.firstChild(IDs.trackNumber, in: entry).flatMap(EBMLElement.unsigned) else {
            throw ScrubError.malformed("a subtitle or metadata track in the Matroska Tracks at offset \(tracksOffset) has no TrackNumber")
        }
        guard !sawCluster else {
            throw ScrubError.malformed("the Matroska Tracks at offset \(tracksOffset) come after a Cluster and hold a subtitle or metadata track, whose frames were already written")
        }
        textTracks.insert(number)
        return true
    }

    /// Copies a Cluster, zeroing the frames of text tracks; returns the element that ended it when its size is
    /// unknown (a level-1 element, an EBML header or a Segment), or nil at its end or the end of the input.
    func cluster(_ element: EBMLElement) throws -> EBMLElement? {
        sawCluster = true
        try sink.write(element.header)
        if let size = element.size, textTracks.isEmpty {
            try copy(size)
            return nil
        }
        let end = element.size.map { reader.offset + $0 }
        while end.map({ reader.offset < $0 }) ?? true {
            switch try EBMLElement.read(from: reader) {
            case .end:
                return nil
            case .cut(let bytes):
                // A recording stopped mid-write; the block header is media data, copied like the rest.
                try sink.write(bytes)
                return nil
            case .invalid(let bytes):
                throw ScrubError.malformed("the Matroska Cluster holds no valid element at offset \(reader.offset - bytes.count)")
            case .element(let child):
                if end == nil && (IDs.levelOne.contains(child.id) || child.id == IDs.ebmlHeader || child.id == IDs.segment) {
                    return child
                }
                let offset = reader.offset - child.header.count
                let size = try knownSize(child, offset: offset, inside: " inside a Cluster")
                if child.id == IDs.crc32 && !textTracks.isEmpty {
                    // It covers frames that may be zeroed after it is written; recomputing it would mean holding the Cluster.
                    try remove(child, label: "cluster checksums (CRC-32)")
                    continue
                }
                try sink.write(child.header)
                switch child.id {
                case IDs.simpleBlock: _ = try block(size)
                case IDs.blockGroup: try blockGroup(size, offset: offset)
                default: try copy(size)
                }
            }
        }
        return nil
    }

    /// Copies a BlockGroup, zeroing the frame and voiding the block additions of a text track's block.
    private func blockGroup(_ size: Int, offset: Int) throws {
        let end = reader.offset + size
        var isText = false
        while reader.offset < end {
            switch try EBMLElement.read(from: reader) {
            case .end:
                return
            case .cut(let bytes):
                try sink.write(bytes)
                return
            case .invalid(let bytes):
                throw ScrubError.malformed("the Matroska BlockGroup at offset \(offset) holds no valid element at offset \(reader.offset - bytes.count)")
            case .element(let child):
                let size = try knownSize(child, offset: reader.offset - child.header.count, inside: " inside a BlockGroup")
                if child.id == IDs.blockAdditions && isText {
                    try remove(child, label: "subtitle and metadata track frames")
                    continue
                }
                try sink.write(child.header)
                if child.id == IDs.block {
                    isText = try block(size)
                } else {
                    try copy(size)
                }
            }
        }
    }

    /// Copies a Block or SimpleBlock of `size` bytes whose element header is written; for a text track, only its
    /// header (track number, timestamp, and flags without lacing, so the zeros read as one empty frame) is kept and
    /// the frame data is zeroed. Returns whether it was a text track's.
    private func block(_ size: Int) throws -> Bool {
        guard !textTracks.isEmpty, size > 0, let first = try reader.readByte() else {
            try copy(size)
            return false
        }
        var head = [first]
        let headLength = (EBMLElement.vintLength(first) ?? size) + 3
        while head.count < min(headLength, size), let byte = try reader.readByte() { head.append(byte) }
        guard head.count == headLength else {
            try sink.write(head)
            try copy(size - head.count)
            return false
        }
        let trackLength = headLength - 3
        let marker = UInt8(0x80) >> (trackLength - 1)
        let track = head[1..<trackLength].reduce(UInt64(first & (marker &- 1))) { $0 << 8 | UInt64($1) }
        guard textTracks.contains(track) else {
            try sink.write(head)
            try copy(size - headLength)
            return false
        }
        head[headLength - 1] &= ~0x06
        try sink.write(head)
        let zeroed = try passOver(size - headLength)
        try writeZeros(zeroed)
        report.noteRemoved("subtitle and metadata track frames", bytes: zeroed)
        return true
    }
}
