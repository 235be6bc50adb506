import ArgumentParser
import EvidenceCore
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Decrypt a file into a folder, check its SHA-256, and add it to the folder's manifest.sha256.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id (see `list`).") var id: Int64
    @Option(help: "Your private key (passphrase-protected).") var key: String
    @Option(help: "The folder to write into (created if missing).") var to: String
    @Flag(help: "Export the original kept at the submitter's request (with its metadata) instead of the cleaned copy.")
    var original = false

    func run() throws {
        let desk = try store.openDesk()
        _ = try desk.store.file(id: id)
        let identity = try PassphrasePrompt.loadKey(key)
        let folder = URL(fileURLWithPath: to)
        let written = try desk.export(fileID: id, identity: identity, to: folder, actor: reviewer.actor(keyPath: key), original: original)
        print("wrote \(written.path) (SHA-256 verified)")
        print("check: cd \(folder.path) && sha256sum -c manifest.sha256")
    }
}
