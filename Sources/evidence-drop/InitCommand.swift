import ArgumentParser
import EvidenceCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty data folder.")

    @OptionGroup var dataOption: DataOption

    func run() throws {
        let folder = dataOption.folder
        try folder.initialise()
        _ = try EvidenceStore(url: folder.database)
        print("initialised \(folder.root.path); put reviewer public keys (*.pub) into \(folder.recipients.path)")
    }
}
