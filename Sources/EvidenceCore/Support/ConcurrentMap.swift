import Foundation

extension Array where Element: Sendable {
    /// `map` spread over the machine's cores, in order; for independent, CPU-bound work per element (signature
    /// checks). The elements are cut into a few slices per core, so that one slow slice does not hold the rest.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slices = Swift.min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        let results = ResultSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            let range = (count * slice / slices)..<(count * (slice + 1) / slices)
            for index in range { results.set(index, transform(self[index])) }
        }
        return results.values
    }
}

/// One slot per result; each index is written by exactly one thread, and read only after all have finished.
/// (Raw memory: writing into an array property from several threads would be overlapping accesses to it.)
private final class ResultSlots<T>: @unchecked Sendable {
    private let count: Int
    private let base: UnsafeMutablePointer<T?>

    init(count: Int) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    func set(_ index: Int, _ value: T) { base[index] = value }

    var values: [T] { (0..<count).map { base[$0]! } }
}
