import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The free space an upload must leave on the data folder's file system, so a flood of uploads cannot fill
/// the disk that the database and the stored files live on. Checked before an upload starts and again while
/// it streams; below it, the upload stops with "the disk is full" (507) and nothing stored is touched.
public struct FreeSpaceFloor: Sendable, Equatable {
    /// An absolute floor in bytes, and a floor as a fraction of the file system's size; the smaller applies,
    /// so the default (2 GiB or 5 %) keeps a small disk usable. nil: that part sets no floor.
    public var bytes: Int64?
    public var fraction: Double?

    public static let standard = FreeSpaceFloor(bytes: 2 << 30, fraction: 0.05)
    public static let none = FreeSpaceFloor(bytes: nil, fraction: nil)

    public init(bytes: Int64?, fraction: Double?) {
        self.bytes = bytes
        self.fraction = fraction
    }

    /// "2GiB", "500MB", "5%" or "2GiB,5%"; "0" switches the floor off.
    public init?(parsing text: String) {
        if text == "0" { self = .none; return }
        var bytes: Int64?
        var fraction: Double?
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.hasSuffix("%") {
                guard let value = Double(part.dropLast()), (0...100).contains(value) else { return nil }
                fraction = value / 100
            } else {
                guard let value = ByteCountText.parse(part) else { return nil }
                bytes = value
            }
        }
        guard bytes != nil || fraction != nil else { return nil }
        self.init(bytes: bytes, fraction: fraction)
    }

    /// The floor on a file system of `total` bytes.
    public func limit(total: Int64) -> Int64 {
        let parts = [bytes, fraction.map { Int64(Double(total) * $0) }].compactMap { $0 }
        return parts.min() ?? 0
    }

    /// Throws "the disk is full" when `folder`'s file system has less free space than the floor.
    public func check(_ folder: URL) throws {
        guard self != .none else { return }
        var status = statvfs()
        guard statvfs(folder.path, &status) == 0 else { return }
        let available = Int64(status.f_bavail) * Int64(status.f_frsize)
        let total = Int64(status.f_blocks) * Int64(status.f_frsize)
        let floor = limit(total: total)
        guard available >= floor else {
            throw CoreError.storage(
                "the disk is full: \(ByteCountText.format(available)) free, below the floor of \(ByteCountText.format(floor))")
        }
    }
}
