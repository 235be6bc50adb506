@testable import evidence_review
import Foundation
import Testing

/// `purge --older-than`: the ages a reviewer types, and the hour stamp they cut at.
struct RetentionAgeTests {
    @Test("hours, days and weeks; anything else is refused")
    func parsing() {
        #expect(RetentionAge(argument: "12h")?.hours == 12)
        #expect(RetentionAge(argument: "90d")?.hours == 90 * 24)
        #expect(RetentionAge(argument: "2w")?.hours == 14 * 24)
        #expect(RetentionAge(argument: "0h")?.hours == 0)
        for bad in ["90", "d", "-1d", "1.5d", "90m", "90 d", "", "999999999999999w"] {
            #expect(RetentionAge(argument: bad) == nil, "\(bad)")
        }
    }

    @Test("the cutoff is the start of the hour the age ago, so nothing younger than the age is before it")
    func cutoff() throws {
        let now = Date(timeIntervalSince1970: 1_795_602_600)  // 2026-11-25T10:30Z
        #expect(try #require(RetentionAge(argument: "0h")).cutoff(now: now) == "2026-11-25T10:00Z")
        #expect(try #require(RetentionAge(argument: "1h")).cutoff(now: now) == "2026-11-25T09:00Z")
        #expect(try #require(RetentionAge(argument: "2w")).cutoff(now: now) == "2026-11-11T10:00Z")
        #expect(try #require(RetentionAge(argument: "90d")).cutoff(now: now) == "2026-08-27T10:00Z")
    }
}
