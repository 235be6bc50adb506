extension Int {
    /// `self + other`, or `Int.max` when that overflows: sizes a hostile file only declares (an iloc extent of
    /// 2^62 bytes) are reported, never trusted, and must not trap when added up.
    func addingSaturated(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
}
