import EvidenceCrypto
import Foundation

/// One PATCH's bytes, encrypted as they arrive into a sink; kept as bytes `start..<start+count` when finished, so
/// the offset survives a restart. The piece that completes the upload is padded (`PartialUploadPadding`).
public final class PartialSegmentWriter {
    private let sink: any PartialSegmentSink
    private let start: Int64
    private let limit: Int64
    /// The sealed label of the piece's bounds, given its end.
    private let label: (Int64) throws -> String
    /// What the upload's pieces before this one take at rest.
    private let earlierSealed: Int64
    /// Fewer bytes than this that do not end the upload are not kept.
    private let minimumCount: Int64
    private let encryptor: ChunkedStreamEncryptor
    private let floor: FreeSpaceFloor
    private let floorFolder: URL
    /// Bytes written and counted in the upload's offset: only what reached the sink.
    public private(set) var count: Int64 = 0
    /// A write failed after the encryptor had taken its bytes: the piece cannot be sealed consistently, so
    /// `finish` drops it and the client sends those bytes again from the previous offset.
    private var broken = false
    /// The upload's SHA-256 and scrubbing carried on over this piece's bytes, when they were known at `start`.
    private let running: RunningPiece?
    /// Where this PATCH stands among the upload's PATCHes on this node.
    private let fence: (PatchFence, PatchFence.Ticket)?

    init(
        sink: any PartialSegmentSink, start: Int64, limit: Int64, key: [UInt8], label: @escaping (Int64) throws -> String,
        earlierSealed: Int64, minimumCount: Int64 = 0, floor: FreeSpaceFloor, floorFolder: URL, running: RunningPiece? = nil,
        fence: (PatchFence, PatchFence.Ticket)? = nil
    ) throws {
        self.fence = fence
        self.sink = sink
        self.start = start
        self.limit = limit
        self.label = label
        self.earlierSealed = earlierSealed
        self.minimumCount = minimumCount
        self.floor = floor
        self.floorFolder = floorFolder
        self.running = running
        do {
            encryptor = try ChunkedStreamEncryptor(key: key)
        } catch {
            running?.keptNothing()
            throw error
        }
    }

    /// Returns once the upload's scrubbing has caught up enough: call between request buffers.
    public func waitForRoom() async {
        await running?.live?.blocks.waitForRoom()
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard !broken else { throw CoreError.storage("an earlier write of this piece failed") }
        if let (fence, ticket) = fence, !fence.isCurrent(ticket) { throw PartialUploadError.superseded }
        if count + Int64(bytes.count) > limit {
            // What fits the declared length is kept, however the body happened to be split into buffers.
            try append(UnsafeRawBufferPointer(rebasing: bytes.prefix(Int(limit - count))))
            throw PartialUploadError.beyondLength
        }
        let after = count + Int64(bytes.count)
        // Checked before the encryptor sees the bytes: a refusal here leaves the piece whole up to `count`.
        if count / SpoolFile.floorCheckInterval != after / SpoolFile.floorCheckInterval { try floor.check(floorFolder) }
        do {
            try sink.write(encryptor.update(bytes))
        } catch {
            broken = true
            throw error
        }
        running?.take(bytes)
        count = after
    }

    /// Seals what arrived and makes it part of the upload, returning the upload's new offset. Nothing is kept
    /// when nothing arrived or a write failed, and a piece under the minimum that does not end the upload is
    /// refused (`pieceTooSmall`); if sealing fails (a full disk) the piece is dropped and the
    /// error thrown, so the offset never counts bytes that are not stored.
    public func finish() throws -> Int64 {
        defer { fence.map { $0.0.leave($0.1) } }
        guard count > 0, !broken else {
            sink.discard()
            // Bytes the scrubbing took are not kept: it cannot go on.
            if count > 0 { running?.keptOnlySome() } else { running?.keptNothing() }
            return start
        }
        guard count == limit || count >= minimumCount else {
            sink.discard()
            running?.keptOnlySome()
            throw PartialUploadError.pieceTooSmall(minimum: minimumCount)
        }
        do {
            if count == limit { try sealPadding() }
            try sink.write(encryptor.finish())
            try sink.keep(label: label(start + count))
        } catch {
            sink.discard()
            running?.keptOnlySome()
            throw error
        }
        running?.kept(to: start + count)
        return start + count
    }
}

extension PartialSegmentWriter {
    /// Zeros after the last byte, sealed with it, in blocks: there may be a tenth of the upload's size of them.
    fileprivate func sealPadding() throws {
        var left = PartialUploadPadding.zeros(afterLastPiece: count, earlierSealed: earlierSealed)
        try floor.check(floorFolder)
        let zeros = [UInt8](repeating: 0, count: Int(min(left, 1 << 20)))
        while left > 0 {
            let block = zeros.prefix(Int(min(left, Int64(zeros.count))))
            try sink.write(encryptor.update(block))
            left -= Int64(block.count)
        }
    }
}
