import Foundation
import MediaScrub

/// A file as a scrubber input.
public final class FileByteSource: RewindableByteSource {
    private let url: URL
    private var reader: BlockFileReader

    public init(_ url: URL) throws {
        self.url = url
        reader = try BlockFileReader(url)
    }

    public func rewind() throws {
        reader = try BlockFileReader(url)
    }

    public func read(maxLength: Int) throws -> [UInt8] {
        try reader.read(maxLength: maxLength)
    }
}

/// A new file as a scrubber output, fsync'd when closed.
public final class FileByteSink: ByteSink {
    private let file: DurableFile

    public init(creating url: URL) throws {
        file = try DurableFile(creating: url, writingBackEvery: DurableFile.largeFileWriteBack)
    }

    public func write(_ bytes: ArraySlice<UInt8>) throws {
        try bytes.withUnsafeBytes { try file.write($0) }
    }

    public func close() throws {
        try file.close()
    }
}
