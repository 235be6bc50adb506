import Foundation

/// How many bytes of encrypted spool all uploads together may keep in memory instead of on disk.
///
/// A photo of a few megabytes then costs no write to the spool and no read back: on a flood of photos the disk
/// writes only the sealed blob. Larger uploads, or any upload once the budget is spent, go to the spool on disk as
/// before. Either way the bytes are encrypted under a key that exists only in memory.
public final class SpoolMemoryBudget: @unchecked Sendable {
    /// The budget every spool file of this process shares.
    public static let shared = SpoolMemoryBudget(total: 64 << 20, perUpload: 8 << 20)

    public let total: Int
    /// An upload that grows past this goes to disk, whatever is left of the budget.
    public let perUpload: Int
    private let lock = NSLock()
    private var used = 0

    public init(total: Int, perUpload: Int) {
        self.total = total
        self.perUpload = perUpload
    }

    /// Takes `count` bytes of the budget; false (and nothing taken) when they do not fit.
    func reserve(_ count: Int) -> Bool {
        lock.withLock {
            guard used + count <= total else { return false }
            used += count
            return true
        }
    }

    func release(_ count: Int) {
        lock.withLock { used -= count }
    }

    /// Bytes held now, for tests and benchmarks.
    public var inUse: Int { lock.withLock { used } }
}

/// The encrypted bytes of an upload kept in memory; its share of the budget is given back when the last copy of
/// the upload is gone.
final class SpoolMemory: Sendable {
    let bytes: [UInt8]
    private let budget: SpoolMemoryBudget

    init(bytes: [UInt8], budget: SpoolMemoryBudget) {
        self.bytes = bytes
        self.budget = budget
    }

    deinit { budget.release(bytes.count) }
}
