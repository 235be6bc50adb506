import ArgumentParser
import EvidenceCore
import Foundation
import MediaScrub

struct ScrubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scrub", abstract: "Remove the metadata of one file and print what was removed.")

    @Argument(help: "The file to clean.") var input: String
    @Argument(help: "Where to write the cleaned copy (must not exist).") var output: String

    func run() throws {
        let outputURL = URL(fileURLWithPath: output)
        let sink = try FileByteSink(creating: outputURL)
        let report: RemovalReport
        do {
            report = try MediaScrubber.scrub(from: FileByteSource(URL(fileURLWithPath: input)), to: sink)
            try sink.close()
        } catch {
            try? FileManager.default.removeItem(at: outputURL)
            throw CommandFailure(description: "\(input): \(error)")
        }
        print("type: \(report.mediaType.displayName) (\(report.mediaType.mimeType))")
        if report.removed.isEmpty { print("removed: nothing") }
        for item in report.removed {
            print("removed: \(item.what)\(item.count > 1 ? " ×\(item.count)" : ""), \(item.bytes) bytes")
        }
        for item in report.added { print("kept: \(item)") }
    }
}
