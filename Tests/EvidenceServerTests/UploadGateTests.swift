@testable import EvidenceServer
import Foundation
import Testing

struct UploadGateTests {
    @Test("places are counted whether or not their connection is known: past the capacity a newcomer waits, then gets none")
    func capacityHolds() async throws {
        let gate = UploadGate(capacity: 2, wait: .milliseconds(200))
        // Each holds its place until it is cancelled, however slow the machine is.
        let holders = (0..<2).map { _ in
            Task { _ = try await gate.withPlace { try await Task.sleep(for: .seconds(3600)) } }
        }
        while gate.inUse < 2 { try await Task.sleep(for: .milliseconds(10)) }
        let refused = await gate.withPlace { true }
        #expect(refused == nil)
        #expect(gate.inUse == 2)
        for holder in holders {
            holder.cancel()
            _ = await holder.result
        }
        #expect(gate.inUse == 0)
        #expect(await gate.withPlace { true } == true)
    }
}
