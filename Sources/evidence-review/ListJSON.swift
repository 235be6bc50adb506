/// `list --json` written by hand: byte-for-byte the document `JSONOutput.encode` makes of the same files (pretty,
/// keys sorted), at a pace that suits 100,000 files. A field added to `FileListing` must be added here, in its
/// sorted place: the tests compare the two.
enum ListJSON {
    /// Writes the document (without a final newline) to `sink` in blocks of about `blockSize` bytes.
    static func write(_ files: [ListCommand.ListedFile], blockSize: Int = 1 << 20, to sink: ([UInt8]) throws -> Void) rethrows {
        var writer = Writer(blockSize: blockSize)
        for file in files {
            writer.add(file)
            if writer.isBlockFull { try writer.flush(to: sink) }
        }
        writer.finish()
        try writer.flush(to: sink)
    }

    /// The document built file by file, for files that arrive a batch at a time: `add` each, `flush` the bytes
    /// whenever a block is full, then `finish` and flush the rest.
    struct Writer {
        private var out: JSONBytes
        private let blockSize: Int
        private var count = 0

        init(blockSize: Int = 1 << 20) {
            self.blockSize = blockSize
            out = JSONBytes(capacity: blockSize + 8192)
        }

        var isBlockFull: Bool { out.bytes.count >= blockSize }

        mutating func add(_ file: ListCommand.ListedFile) {
            out.append(count == 0 ? "[\n" : ",\n")
            count += 1
            ListJSON.object(file, into: &out)
        }

        /// The end of the document; an empty one is written `[`, a blank line, `]`, as `JSONEncoder` does.
        mutating func finish() {
            out.append(count == 0 ? "[\n\n]" : "\n]")
        }

        /// Hands on what is written so far, and starts the next block.
        mutating func flush(to sink: ([UInt8]) throws -> Void) rethrows {
            guard !out.bytes.isEmpty else { return }
            try sink(out.bytes)
            out.bytes.removeAll(keepingCapacity: true)
        }
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
        // The facts' fields are absent, not null, without a key (as the synthesised Encodable leaves them out).
        if let sha = listing.cleanedSHA256, let size = listing.cleanedSize {
            out.append(",\n    \"cleaned_sha256\" : ")
            out.string(sha)
            out.append(",\n    \"cleaned_size\" : ")
            out.integer(size)
        }
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
        if let sha = listing.originalSHA256, let size = listing.originalSize {
            out.append(",\n    \"original_sha256\" : ")
            out.string(sha)
            out.append(",\n    \"original_size\" : ")
            out.integer(size)
        }
        // Absent, not null, when the file is not purged (as the synthesised Encodable leaves it out).
        if let purgedHour = listing.purgedHour {
            out.append(",\n    \"purged_hour\" : ")
            out.string(purgedHour)
        }
        out.append(",\n    \"received_hour\" : ")
        out.string(listing.receivedHour)
        out.append(",\n    \"sealed_sha256\" : ")
        out.string(listing.sealedSHA256)
        out.append(",\n    \"sealed_size\" : ")
        out.integer(listing.sealedSize)
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
