import ArgumentParser
import EvidenceCore
import Foundation
import MediaScrub

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Everything known about one file: hashes, what was removed, custody.")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The file id (see `list`).") var id: Int64
    @Option(help: "Your private key, to also decrypt the submitter's message.") var key: String?
    @Flag(help: "Print JSON.") var json = false

    struct Details: Codable {
        let file: FileListing
        let removalReport: RemovalReport?
        let scrubberVersion: String
        let custody: [CustodyRecord]
        let message: String?
    }

    func run() throws {
        let desk = try store.openDesk()
        let file = try desk.store.file(id: id)
        let message = try key.map { try desk.message(submissionID: file.submissionID, identity: PassphrasePrompt.loadKey($0)) } ?? nil
        let details = Details(
            file: FileListing(file, duplicates: try desk.store.duplicates(of: file)),
            removalReport: file.decodedReport(), scrubberVersion: file.scrubberVersion,
            custody: try desk.store.custody(fileID: id), message: message)
        if json {
            print(try JSONOutput.encode(details))
            return
        }
        let f = details.file
        print("""
            file \(f.id) (submission \(f.submission)), \(f.status)
              type            \(f.type)
              received        \(f.receivedHour)
              original        \(f.originalSize) bytes, SHA-256 \(f.originalSHA256)
              cleaned         \(f.cleanedSize) bytes, SHA-256 \(f.cleanedSHA256)
              sealed          SHA-256 \(f.sealedSHA256)
              scrubber        \(details.scrubberVersion)
              duplicates      \(f.duplicates.isEmpty ? "none" : f.duplicates.map(String.init).joined(separator: ", "))
            """)
        print("removed:")
        for item in details.removalReport?.removed ?? [] {
            print("  \(item.what)\(item.count > 1 ? " ×\(item.count)" : ""), \(item.bytes) bytes")
        }
        for item in details.removalReport?.added ?? [] { print("  kept: \(item)") }
        print("custody:")
        for entry in details.custody {
            print("  \(entry.hour)  \(entry.action.padding(toLength: 9, withPad: " ", startingAt: 0))  \(entry.actor)\(entry.detail.map { "  \($0)" } ?? "")")
        }
        if key != nil {
            print("message:")
            print(message.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") } ?? "  (none)")
        } else {
            print("message: pass --key FILE to decrypt the submitter's message, if any")
        }
    }
}
