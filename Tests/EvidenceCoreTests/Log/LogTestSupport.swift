import EvidenceCrypto
import Foundation
@testable import EvidenceCore

/// The repository root: the nearest folder above this file that holds Scripts/verify_log.py.
let logRepositoryRoot: URL = {
    var folder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    while folder.path != "/" {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Scripts/verify_log.py").path) { return folder }
        folder = folder.deletingLastPathComponent()
    }
    fatalError("no Scripts/verify_log.py above \(#filePath)")
}()

/// What a child process printed and how it ended.
struct LogToolResult {
    let status: Int32
    let standardOutput: String
    let standardError: String
}

/// Runs a program found on PATH (or at an absolute path) with `input` on standard input; output goes through files so it can never block.
func runLogTool(_ program: String, _ arguments: [String], input: String = "") throws -> LogToolResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("log-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let files = ["stdin", "stdout", "stderr"].map { directory.appendingPathComponent($0) }
    try Data(input.utf8).write(to: files[0])
    try Data().write(to: files[1])
    try Data().write(to: files[2])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    process.standardInput = try FileHandle(forReadingFrom: files[0])
    process.standardOutput = try FileHandle(forWritingTo: files[1])
    process.standardError = try FileHandle(forWritingTo: files[2])
    try process.run()
    process.waitUntilExit()
    return LogToolResult(
        status: process.terminationStatus,
        standardOutput: try String(contentsOf: files[1], encoding: .utf8),
        standardError: try String(contentsOf: files[2], encoding: .utf8))
}

/// The eight RFC 6962 test leaves used by certificate-transparency and transparency-dev/merkle.
let rfc6962Leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    .map { Hex.decode($0)! }

/// Decodes hex that the test itself wrote.
func hex(_ text: String) -> [UInt8] { Hex.decode(text)! }
