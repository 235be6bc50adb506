import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The moment a request is signed, in the two UTC forms SigV4 uses: `20130524T000000Z` and `20130524`.
public struct SigV4Timestamp: Sendable, Equatable {
    /// `x-amz-date`: ISO 8601 basic format, UTC.
    public let amzDate: String
    /// The date of the credential scope.
    public var dateStamp: String { String(amzDate.prefix(8)) }

    public init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        amzDate = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
