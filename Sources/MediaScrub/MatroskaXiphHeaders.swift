/// Vorbis and Theora tracks keep their three codec headers in CodecPrivate (RFC 9559 §5.1.4.1.28, Xiph lacing):
/// the second is the comment header, with a vendor string and the same user comments an Ogg file carries
/// (ffmpeg writes `encoder=`, a file remuxed from Ogg may bring anything). It is overwritten in place with a
/// vendor string of zero bytes as long as the old vendor and comments together, and no comments, so the header
/// keeps its length and nothing around it moves.
enum MatroskaXiphHeaders {
    static let vorbisIdentification: [UInt8] = [0x01] + Array("vorbis".utf8)
    static let vorbisComment: [UInt8] = [0x03] + Array("vorbis".utf8)
    static let theoraIdentification: [UInt8] = [0x80] + Array("theora".utf8)
    static let theoraComment: [UInt8] = [0x81] + Array("theora".utf8)

    /// The CodecPrivate `data` with its comment header blanked; nil when it holds no Vorbis or Theora headers or
    /// the comment header is blank already.
    static func blankingComments(_ data: ArraySlice<UInt8>) -> [UInt8]? {
        guard data.first == 2 else { return nil }
        var index = data.startIndex + 1
        var lengths: [Int] = []
        while lengths.count < 2 {
            var length = 0
            while index < data.endIndex, data[index] == 255 {
                length += 255
                index += 1
            }
            guard index < data.endIndex else { return nil }
            lengths.append(length + Int(data[index]))
            index += 1
        }
        guard lengths[0] <= data.endIndex - index, lengths[1] <= data.endIndex - index - lengths[0] else { return nil }
        let identification = data[index...].prefix(lengths[0])
        let commentStart = index + lengths[0]
        let comment = data[commentStart...].prefix(lengths[1])
        let framing: [UInt8]
        if identification.starts(with: vorbisIdentification) && comment.starts(with: vorbisComment) {
            framing = [1]
        } else if identification.starts(with: theoraIdentification) && comment.starts(with: theoraComment) {
            framing = []
        } else {
            return nil
        }
        let vendorLength = comment.count - 7 - 4 - 4 - framing.count
        guard vendorLength >= 0, vendorLength <= Int(UInt32.max) else { return nil }
        let blank = comment.prefix(7) + littleEndian(vendorLength) + repeatElement(0, count: vendorLength) + [0, 0, 0, 0] + framing
        guard !blank.elementsEqual(comment) else { return nil }
        var cleaned = Array(data)
        cleaned.replaceSubrange((commentStart - data.startIndex)..<(comment.endIndex - data.startIndex), with: blank)
        return cleaned
    }

    private static func littleEndian(_ value: Int) -> [UInt8] {
        [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
