/// A pull-based source of bytes, read in blocks.
public protocol ByteSource: AnyObject {
    /// Up to `maxLength` bytes; an empty array means the end of the input.
    func read(maxLength: Int) throws -> [UInt8]
}

/// A byte source that can start over from its first byte, for formats that need two passes.
public protocol RewindableByteSource: ByteSource {
    /// Starts over: the next read returns the input's first bytes.
    func rewind() throws
}

/// A source that can pass over bytes without producing them (an encrypted file that can seek to a chunk), so a
/// pass that only looks for a file's index need not read, or decrypt, the media data in between.
public protocol SkippingByteSource: ByteSource {
    /// Passes over up to `count` bytes and returns how many; fewer only at the end of the input.
    func skip(_ count: Int) throws -> Int
}

/// A push-based destination for bytes.
public protocol ByteSink: AnyObject {
    /// Appends `bytes` to the output.
    func write(_ bytes: ArraySlice<UInt8>) throws
}

extension ByteSink {
    /// Appends all of `bytes` to the output.
    public func write(_ bytes: [UInt8]) throws {
        try write(bytes[...])
    }
}

/// A byte source over an array held in memory.
public final class MemoryByteSource: RewindableByteSource {
    private let bytes: [UInt8]
    private var position = 0

    /// Reads from `bytes`, front to back.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Up to `maxLength` bytes; an empty array means the end of the input.
    public func read(maxLength: Int) throws -> [UInt8] {
        let end = position + min(max(maxLength, 0), bytes.count - position)
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// Starts over from the first byte.
    public func rewind() {
        position = 0
    }
}

/// A byte sink that collects everything written into memory.
public final class MemoryByteSink: ByteSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends `bytes` to `self.bytes`.
    public func write(_ bytes: ArraySlice<UInt8>) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Replays bytes already read from a source before reading the rest of it.
final class PrefixedByteSource: RewindableByteSource {
    private var prefix: [UInt8]
    private let rest: any ByteSource

    init(prefix: [UInt8], rest: any ByteSource) {
        self.prefix = prefix
        self.rest = rest
    }

    func read(maxLength: Int) throws -> [UInt8] {
        if prefix.isEmpty { return try rest.read(maxLength: maxLength) }
        let bytes = Array(prefix.prefix(maxLength))
        prefix.removeFirst(bytes.count)
        return bytes
    }

    /// Rewinds the underlying source, which replays the prefix itself; throws when it cannot rewind.
    func rewind() throws {
        guard let rewindable = rest as? any RewindableByteSource else {
            throw ScrubError.malformed("this file needs two passes, which needs a rewindable source")
        }
        try rewindable.rewind()
        prefix = []
    }
}

/// A source read while the file is still arriving. It can start over like a `RewindableByteSource` (by waiting for
/// the whole file to arrive) only while it keeps a copy of the file, which costs a write of every byte; a scrubber
/// that knows it will not start over says so with `forgoRewind`, and the copy goes.
public protocol ArrivingByteSource: RewindableByteSource {
    /// The scrubber will not call `rewind` from now on.
    func forgoRewind()
}

/// A sink that can zero byte ranges of what was written to it: a scrubber reading an `ArrivingByteSource` may stream
/// data out before it learns that parts of it must be zeroed (an MP4's index that comes after its media data).
public protocol ZeroingByteSink: ByteSink {
    /// Overwrites the bytes at `ranges` (offsets in the output, all written already) with zeros, and returns how many
    /// of the bytes inside `counted` were not zero before (what the report says was removed there).
    func zero(_ ranges: ZeroRanges, counting counted: ZeroRanges) throws -> Int
}
