import Foundation

/// Runs a program to completion and returns its exit status and output.
struct Subprocess {
    struct Result {
        let status: Int32
        let stdout: Data
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs on a thread of its own: blocking a thread of Swift's small cooperative pool could starve the server under test.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result { try runBlocking(executable, arguments, environment: environment, in: directory) })
            }.start()
        }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String], in directory: URL?) throws -> Result {
        for attempt in 1... {
            do {
                return try runOnce(executable, arguments, environment: environment, in: directory)
            } catch let error as NSError where error.domain == NSPOSIXErrorDomain && error.code == Int(EBADF) && attempt < 3 {
                // Foundation's Process.run can fail with EBADF when another thread closes a descriptor while it
                // spawns (swiftlang/swift#57827); nothing was started, so starting again is safe.
                continue
            }
        }
        fatalError("unreachable")
    }

    private static func runOnce(_ executable: String, _ arguments: [String], environment: [String: String], in directory: URL?) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes while the process runs, so a full pipe cannot block it.
        let stderrData = LockedData()
        let reader = Thread { stderrData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !stderrData.isSet { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderrData.value, as: UTF8.self))
    }

}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}
