/// The header of one EBML element (RFC 8794): a variable-length ID and a variable-length data size.
///
/// IDs are 1 to 4 bytes (EBMLMaxIDLength 4, as Matroska and WebM use), sizes 1 to 8 bytes; a size whose value
/// bits are all ones means "unknown" (the element runs until an element that cannot be its child).
struct EBMLElement: Equatable {
    /// The ID with its length marker bits, as written (e.g. 0x1A45DFA3).
    let id: UInt32
    /// The data size; nil when unknown.
    let size: Int?
    /// The header bytes as they appear in the file.
    let header: [UInt8]

    static let maxIDLength = 4
    static let maxSizeLength = 8

    /// The outcome of reading a header from a stream.
    enum Read {
        /// The input ended before the header's first byte.
        case end
        /// The input ended inside the header; the bytes read.
        case cut([UInt8])
        /// The bytes read do not start an element (a zero length marker or an ID longer than 4 bytes).
        case invalid([UInt8])
        case element(EBMLElement)
    }

    /// The length of a variable-length integer from its first byte, nil for 0x00 (longer than 8 bytes).
    static func vintLength(_ first: UInt8) -> Int? {
        first == 0 ? nil : first.leadingZeroBitCount + 1
    }

    /// Parses the header at `index` of `bytes`; nil when the bytes end inside it. Throws `malformed` naming `place`
    /// when the bytes cannot start an element.
    static func parse(_ bytes: ArraySlice<UInt8>, at index: Int, place: @autoclosure () -> String) throws -> EBMLElement? {
        guard index < bytes.endIndex else { return nil }
        guard let idLength = vintLength(bytes[index]), idLength <= maxIDLength else {
            throw ScrubError.malformed("\(place()) does not start with a valid element ID")
        }
        let sizeIndex = index + idLength
        guard sizeIndex < bytes.endIndex else { return nil }
        guard let sizeLength = vintLength(bytes[sizeIndex]) else {
            throw ScrubError.malformed("\(place()) has an element size longer than 8 bytes")
        }
        let end = sizeIndex + sizeLength
        guard end <= bytes.endIndex else { return nil }
        return EBMLElement(header: Array(bytes[index..<end]), idLength: idLength)
    }

    /// Reads a header from `reader`.
    static func read(from reader: ByteReader) throws -> Read {
        guard let first = try reader.readByte() else { return .end }
        var bytes = [first]
        guard let idLength = vintLength(first), idLength <= maxIDLength else { return .invalid(bytes) }
        while bytes.count < idLength + 1 {
            guard let byte = try reader.readByte() else { return .cut(bytes) }
            bytes.append(byte)
        }
        guard let sizeLength = vintLength(bytes[idLength]) else { return .invalid(bytes) }
        while bytes.count < idLength + sizeLength {
            guard let byte = try reader.readByte() else { return .cut(bytes) }
            bytes.append(byte)
        }
        return .element(EBMLElement(header: bytes, idLength: idLength))
    }

    /// An element from its complete header bytes, whose ID takes `idLength` of them.
    init(header: [UInt8], idLength: Int) {
        self.header = header
        id = header[0..<idLength].reduce(0) { $0 << 8 | UInt32($1) }
        let sizeBytes = header[idLength...]
        let sizeLength = sizeBytes.count
        let marker = UInt8(0x80) >> (sizeLength - 1)
        var value = Int(sizeBytes.first! & (marker &- 1))
        for byte in sizeBytes.dropFirst() { value = value << 8 | Int(byte) }
        let unknown = (1 << (7 * sizeLength)) - 1
        size = value == unknown ? nil : value
    }

    /// The header and data length, or nil when the size is unknown.
    var totalSize: Int? { size.map { header.count + $0 } }

    /// An ID as it is usually written, e.g. "0x1A45DFA3".
    static func idName(_ id: UInt32) -> String {
        let hex = String(id, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: hex.count % 2) + hex
    }

    /// The bytes of an ID, most significant first, without leading zero bytes.
    static func bigEndian(_ id: UInt32) -> [UInt8] {
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: id >> $0) }
        return Array(bytes.drop { $0 == 0 })
    }

    /// `size` written as a variable-length integer of `length` bytes (which must hold it).
    static func sizeField(_ size: Int, length: Int) -> [UInt8] {
        let marked = UInt64(size) | UInt64(1) << (7 * length)
        return (0..<length).reversed().map { UInt8(truncatingIfNeeded: marked >> (8 * $0)) }
    }

    /// The data of the first child `id` in a master element's `data`; nil when there is none before the first child
    /// that cannot be read.
    static func firstChild(_ id: UInt32, in data: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = data.startIndex
        while let child = try? parse(data, at: index, place: ""), let size = child.size,
              size <= data.endIndex - index - child.header.count
        {
            let childData = data[(index + child.header.count)...].prefix(size)
            if child.id == id { return childData }
            index = childData.endIndex
        }
        return nil
    }

    /// The value of an unsigned integer element; nil past 8 bytes.
    static func unsigned(_ data: ArraySlice<UInt8>) -> UInt64? {
        data.count <= 8 ? data.reduce(0) { $0 << 8 | UInt64($1) } : nil
    }

    static let voidID: UInt32 = 0xEC

    /// The header of a `Void` element that, with its zeroed data, takes exactly `total` bytes (at least 2: one for
    /// the ID, one for the size). The size field grows a byte where a shorter one would leave the data size at an
    /// all-ones value, which means unknown. Nil when no 8-byte size holds it.
    static func voidHeader(total: Int) -> [UInt8]? {
        guard total >= 2 else { return nil }
        guard let length = (1...maxSizeLength).first(where: { total - 1 - $0 >= 0 && total - 1 - $0 < (1 << (7 * $0)) - 1 }) else {
            return nil
        }
        return [UInt8(voidID)] + sizeField(total - 1 - length, length: length)
    }
}
