extension MediaSniffer {
    /// Matroska or WebM, from the DocType in the EBML header that starts `prefix`; nil for other EBML documents.
    static func matroskaType(_ prefix: [UInt8]) -> MediaType? {
        guard prefix.starts(with: EBMLElement.bigEndian(MatroskaElements.ebmlHeader)),
              let header = try? EBMLElement.parse(prefix[...], at: 0, place: ""), let size = header.size
        else { return nil }
        var index = header.header.count
        let children = prefix[..<min(prefix.count, index + size)]
        while let child = try? EBMLElement.parse(children, at: index, place: ""), let childSize = child.size {
            let data = index + child.header.count
            guard childSize <= children.endIndex - data else { return nil }
            if child.id == MatroskaElements.docType {
                switch String(decoding: children[data..<(data + childSize)].prefix { $0 != 0 }, as: UTF8.self) {
                case "matroska": return .matroska
                case "webm": return .webm
                default: return nil
                }
            }
            index = data + childSize
        }
        return nil
    }
}
