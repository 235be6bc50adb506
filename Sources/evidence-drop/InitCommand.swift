import ArgumentParser
import EvidenceCore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty data folder.")

    @OptionGroup var dataOption: DataOption

    func run() throws {
        let folder = dataOption.folder
        try folder.initialise()
        _ = try EvidenceStore(url: folder.database)
        print("initialised \(folder.root.path); add reviewer public keys with `evidence-review keys add FILE.pub --data \(folder.root.path)`, or copy them (*.pub) into \(folder.recipients.path)")
    }
}
