@testable import EvidenceServer
import Foundation
import Testing

/// Operational faults reach the output at most once a minute, counted, with nothing that marks one request.
struct FaultLogTests {
    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "no space left on the data disk" }
    }

    @Test("a fault is written at once, then at most once a minute with the number since, and no request id")
    func onceAMinute() {
        let recorder = LogRecorder()
        let faults = FaultLog(logger: recorder.logger())
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for seconds in [0.0, 10, 30, 59, 61, 62, 125] {
            faults.report("a submission could not be stored", error: DiskFull(), now: start.addingTimeInterval(seconds))
        }
        let lines = recorder.text.split(separator: "\n")
        #expect(lines.count == 3, "\(recorder.text)")
        // At 0 s; at 61 s for the four since; at 125 s for the two since.
        let counts = lines.map { $0.firstMatch(of: /"faults in the last minute": (\d+)/).map { String($0.1) } }
        #expect(counts == ["1", "4", "2"], "\(recorder.text)")
        #expect(lines.allSatisfy { $0.contains("no space left") && !$0.contains("request") })
    }
}
