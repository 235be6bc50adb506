/// Cleans the data of a small Matroska master element held in memory (EBML header, SeekHead, Info, Tracks) in
/// place: each child to remove becomes a `Void` element of the same total size with zeroed data, so no byte
/// moves and the element keeps its size. Void data is zeroed (a tag editor may leave old text in it). When a
/// child changed, the element's `CRC-32` (which must be its first child) is recomputed over the new data.
struct MatroskaHeldElement {
    /// What to do with one child element.
    enum Action {
        case keep
        /// Replace it by a Void and count it under `label`.
        case remove(label: String)
        /// Overwrite its data with `data`, of the same length, and count it under `label`.
        case replace(label: String, data: [UInt8])
        /// Clean its children in turn, deciding each with `decide`.
        case clean(name: String, decide: Decide)
    }

    /// Decides about a child from its ID and its data.
    typealias Decide = (_ id: UInt32, _ data: ArraySlice<UInt8>) throws -> Action

    /// The element's data, cleaned by `clean`.
    private(set) var data: [UInt8]
    /// The file offset of `data[0]`, for messages.
    let offset: Int

    init(data: [UInt8], offset: Int) {
        self.data = data
        self.offset = offset
    }

    /// Cleans the children of the whole element, named `name` in messages.
    mutating func clean(name: String, report: inout RemovalReport, decide: Decide) throws {
        _ = try clean(data.startIndex..<data.endIndex, name: name, report: &report, decide: decide)
    }

    /// Cleans the children within `range`; returns whether any byte changed.
    private mutating func clean(_ range: Range<Int>, name: String, report: inout RemovalReport, decide: Decide) throws -> Bool {
        var changed = false
        var crc: (element: Range<Int>, data: Range<Int>)?
        var index = range.lowerBound
        while index < range.upperBound {
            let place = "the Matroska \(name) child at offset \(offset + index)"
            guard let child = try EBMLElement.parse(data[range], at: index, place: place) else {
                throw ScrubError.malformed("\(place) is cut off by the end of its parent")
            }
            guard let size = child.size else { throw ScrubError.malformed("\(place) has an unknown size") }
            let dataStart = index + child.header.count
            guard size <= range.upperBound - dataStart else {
                throw ScrubError.malformed("\(place) (\(MatroskaElements.name(child.id))) is longer than its parent")
            }
            let childData = dataStart..<(dataStart + size)
            switch child.id {
            case MatroskaElements.void:
                if data[childData].contains(where: { $0 != 0 }) {
                    data.replaceSubrange(childData, with: repeatElement(0, count: size))
                    report.noteRemoved("leftover bytes in Void elements", bytes: size)
                    changed = true
                }
            case MatroskaElements.crc32:
                crc = (index..<childData.upperBound, childData)
            default:
                switch try decide(child.id, data[childData]) {
                case .keep:
                    break
                case .remove(let label):
                    voidInPlace(index..<childData.upperBound)
                    report.noteRemoved(label, bytes: childData.upperBound - index)
                    changed = true
                case .replace(let label, let replacement):
                    precondition(replacement.count == size, "a replacement must keep the element's size")
                    data.replaceSubrange(childData, with: replacement)
                    report.noteRemoved(label, bytes: size)
                    changed = true
                case .clean(let childName, let childDecide):
                    if try clean(childData, name: childName, report: &report, decide: childDecide) { changed = true }
                }
            }
            index = childData.upperBound
        }
        if changed, let crc {
            if crc.element.lowerBound == range.lowerBound && crc.data.count == 4 {
                var checksum = CRC32()
                checksum.update(data[crc.element.upperBound..<range.upperBound])
                let value = checksum.value
                data.replaceSubrange(crc.data, with: [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: value >> $0) })
            } else {
                voidInPlace(crc.element)
            }
        }
        return changed
    }

    /// Overwrites `range` (a whole child, at least 2 bytes) with a Void element of the same size.
    private mutating func voidInPlace(_ range: Range<Int>) {
        let header = EBMLElement.voidHeader(total: range.count)!
        data.replaceSubrange(range, with: header + repeatElement(0, count: range.count - header.count))
    }
}
