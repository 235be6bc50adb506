import ArgumentParser
import EvidenceCore

/// A review status named on the command line, or all of them (`export --status`, `purge --status`).
enum StatusChoice: String, ExpressibleByArgument, CaseIterable {
    case pending, approved, rejected, all

    /// The one status chosen, or nil for all.
    var status: ReviewStatus? { ReviewStatus(rawValue: rawValue) }
}
