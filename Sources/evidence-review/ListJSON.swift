/// `list --json` written by hand: byte-for-byte the document `JSONOutput.encode` makes of the same files (pretty,
/// keys sorted), at a pace that suits 100,000 files. A field added to `FileListing` must be added here, in its
/// sorted place: the tests compare the two.
enum ListJSON {
    /// Writes the document (without a final newline) to `sink` in blocks of about `blockSize` bytes.
    static func write(_ files: [ListCommand.ListedFile], blockSize: Int = 1 << 20, to sink: ([UInt8]) throws -> Void) rethrows {
        var out = JSONBytes(capacity: blockSize + 8192)
        guard !files.isEmpty else {
            out.append("[\n\n]")
            return try sink(out.bytes)
        }
        out.append("[\n")
        for (index, file) in files.enumerated() {
            if index > 0 { out.append(",\n") }
            object(file, into: &out)
            if out.bytes.count >= blockSize {
                try sink(out.bytes)
                out.bytes.removeAll(keepingCapacity: true)
            }
        }
        out.append("\n]")
        try sink(out.bytes)
    }

    /// The whole document at once.
    static func document(_ files: [ListCommand.ListedFile]) -> [UInt8] {
        var document: [UInt8] = []
        write(files) { document += $0 }
        return document
    }

    /// One file, its keys in `JSONEncoder`'s sorted order.
    private static func object(_ file: ListCommand.ListedFile, into out: inout JSONBytes) {
        let listing = file.listing
        out.append("  {\n    \"cleaned\" : ")
        out.bool(listing.cleaned)
        out.append(",\n    \"cleaned_sha256\" : ")
        out.string(listing.cleanedSHA256)
        out.append(",\n    \"cleaned_size\" : ")
        out.integer(listing.cleanedSize)
        out.append(",\n    \"duplicates\" : ")
        array(listing.duplicates, into: &out) { $1.integer($0) }
        out.append(",\n    \"id\" : ")
        out.integer(listing.id)
        out.append(",\n    \"legal_hold\" : ")
        out.bool(listing.legalHold)
        if file.decrypted {
            out.append(",\n    \"message\" : ")
            if let message = file.message { out.string(message) } else { out.append("null") }
        }
        out.append(",\n    \"original_kept\" : ")
        out.bool(listing.originalKept)
        out.append(",\n    \"original_sha256\" : ")
        out.string(listing.originalSHA256)
        out.append(",\n    \"original_size\" : ")
        out.integer(listing.originalSize)
        // Absent, not null, when the file is not purged (as the synthesised Encodable leaves it out).
        if let purgedHour = listing.purgedHour {
            out.append(",\n    \"purged_hour\" : ")
            out.string(purgedHour)
        }
        out.append(",\n    \"received_hour\" : ")
        out.string(listing.receivedHour)
        out.append(",\n    \"sealed_sha256\" : ")
        out.string(listing.sealedSHA256)
        out.append(",\n    \"status\" : ")
        out.string(listing.status)
        out.append(",\n    \"submission\" : ")
        out.integer(listing.submission)
        out.append(",\n    \"tags\" : ")
        array(listing.tags, into: &out) { $1.string($0) }
        out.append(",\n    \"type\" : ")
        out.string(listing.type)
        out.append("\n  }")
    }

    /// An array inside a file object; empty ones are written `[`, a blank line, `]`, as `JSONEncoder` does.
    private static func array<Element>(_ elements: [Element], into out: inout JSONBytes, _ write: (Element, inout JSONBytes) -> Void) {
        guard !elements.isEmpty else { return out.append("[\n\n    ]") }
        out.append("[\n")
        for (index, element) in elements.enumerated() {
            out.append(index == 0 ? "      " : ",\n      ")
            write(element, &out)
        }
        out.append("\n    ]")
    }
}
