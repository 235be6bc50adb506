import Foundation

/// The real `evidence-drop serve` binary as a child process, for tests that signal or kill it.
final class ServerProcess: @unchecked Sendable {
    private(set) var process = Process()
    private(set) var port = 0
    private let lock = NSLock()
    private var captured = Data()

    /// Starts the server on a free port over `data` (which must hold a reviewer key) and waits until it answers.
    /// A start that fails or never answers is retried on another port (three attempts), with what went wrong kept for the error.
    init(data: URL, environment: [String: String] = [:], arguments: [String] = []) async throws {
        var failures: [String] = []
        for _ in 0..<3 {
            // A pipe per attempt: Process.run closes the parent's write end, so a second run on the same pipe fails with EBADF.
            let output = Pipe()
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.captured.append(data) }
            }
            let port = try Self.freePort()
            let process = Process()
            process.executableURL = Paths.binaries.appendingPathComponent("evidence-drop")
            process.arguments = ["serve", "--data", data.path, "--port", String(port), "--public-folder", Paths.publicFolder.path] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardOutput = output
            process.standardError = output
            do {
                try process.run()
            } catch let error as NSError where error.domain == NSPOSIXErrorDomain && error.code == Int(EBADF) {
                // Foundation's Process.run can fail with EBADF when another thread closes a descriptor while it
                // spawns (swiftlang/swift#57827); nothing was started, so the next attempt starts afresh.
                failures.append("port \(port): Process.run failed with EBADF")
                continue
            }
            // Generous: a debug build on a loaded machine, with the whole test suite running beside it.
            let deadline = Date().addingTimeInterval(30)
            var last = ""
            while Date() < deadline && process.isRunning {
                let probe = try await Subprocess.run(
                    "curl", ["-sS", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"])
                if probe.stdoutText == "200" {
                    self.process = process
                    self.port = port
                    return
                }
                last = probe.stdoutText + " " + probe.stderr
                try await Task.sleep(for: .milliseconds(200))
            }
            let state = process.isRunning ? "still running" : "exited with \(process.terminationStatus)"
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            failures.append("port \(port): \(state); last probe: \(last)")
        }
        throw ServerDidNotStart(output: text + "\n" + failures.joined(separator: "\n"))
    }

    /// Everything the server printed so far.
    var text: String { lock.withLock { String(decoding: captured, as: UTF8.self) } }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// The server's peak resident memory so far (VmHWM), in bytes.
    var peakResidentBytes: Int { memoryStatus("VmHWM:") }

    /// The server's resident memory now (VmRSS), in bytes.
    var residentBytes: Int { memoryStatus("VmRSS:") }

    private func memoryStatus(_ field: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// Waits for the process to exit, up to `seconds`; its exit status, or nil if it is still running.
    func waitForExit(seconds: Double) async throws -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits until the server's output contains `marker`.
    func waitFor(_ marker: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(marker) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw ServerDidNotStart(output: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct ServerDidNotStart: Error { let output: String }
}
