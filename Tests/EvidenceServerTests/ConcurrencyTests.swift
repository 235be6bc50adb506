import Foundation
import Testing

/// Ingest and several `evidence-review` processes on one store at once: WAL and busy timeouts keep
/// "database is locked" from ever reaching a person.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct ConcurrencyTests {
    @Test("uploads stream in while four reviewers list, tag, note and decide at the same time")
    func reviewersDuringIngest() async throws {
        let server = try TestServer()
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        let seeded = try await server.run { port in
            for _ in 0..<4 { _ = try await Upload.send(port: port, files: [photo]) }
            return true
        }
        #expect(seeded)
        let (uploads, reviews) = try await server.run { port in
            async let uploads: [Int] = withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<16 { group.addTask { try await Upload.send(port: port, files: [photo]).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let reviews: [Subprocess.Result] = try await withThrowingTaskGroup(of: [Subprocess.Result].self) { group in
                for reviewer in 1...4 {
                    group.addTask {
                        var results: [Subprocess.Result] = []
                        for round in 0..<5 {
                            results.append(try await server.review(["list", "--status", "all", "--json"]))
                            results.append(try await server.review(["tag", String(reviewer), "round-\(round)", "--as", "r\(reviewer)"]))
                            results.append(try await server.review(["note", String(reviewer), "note \(round)", "--as", "r\(reviewer)"]))
                        }
                        results.append(try await server.review(["approve", String(reviewer), "--as", "r\(reviewer)"]))
                        return results
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            return (try await uploads, reviews)
        }
        #expect(uploads.allSatisfy { $0 == 201 }, "\(uploads)")
        for result in reviews {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.lowercased().contains("locked") && !result.stderr.lowercased().contains("busy"))
        }
        let listed = try JSONSerialization.jsonObject(with: try await server.review(["list", "--status", "all", "--json"]).stdout) as? [[String: Any]] ?? []
        #expect(listed.count == 20)
        // On failure, what the approvals said and what verify found. A corrupt database here once came from another
        // test reading this store's live database files in this process, which dropped SQLite's locks (Tests/LockGuard).
        let approvals = reviews.filter { $0.stdoutText.contains("approved") || $0.stderr.contains("approve") }
            .map { $0.stdoutText + $0.stderr }
        #expect(listed.filter { $0["status"] as? String == "approved" }.count == 4, "\(approvals) \(listed.map { $0["status"] ?? "" })")
        let verified = try await server.review(["verify", "--key", server.keyFile.path])
        #expect(verified.status == 0, "\(verified.stdoutText) \(verified.stderr)")
    }
}
