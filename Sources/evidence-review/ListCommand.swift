import ArgumentParser
import EvidenceCore
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List files in the queue.")

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case pending, approved, rejected, all
    }

    @OptionGroup var store: StoreOptions
    @Option(help: "Which files: pending, approved, rejected or all.") var status: StatusFilter = .pending
    @Flag(help: "Print JSON (an array of file objects) for scripts.") var json = false

    func run() throws {
        let desk = try store.openDesk()
        let files = try desk.store.files(status: ReviewStatus(rawValue: status.rawValue))
        let listings = try files.map { FileListing($0, duplicates: try desk.store.duplicates(of: $0)) }
        if json {
            print(try JSONOutput.encode(listings))
            return
        }
        guard !listings.isEmpty else {
            print("no \(status == .all ? "" : status.rawValue + " ")files")
            return
        }
        let rows = listings.map { item in
            [
                String(item.id), String(item.submission), item.receivedHour, item.type,
                ByteCountText.format(item.cleanedSize), item.status,
                item.duplicates.map(String.init).joined(separator: ","),
            ]
        }
        print(TextTable.render(header: ["ID", "SUB", "RECEIVED", "TYPE", "SIZE", "STATUS", "DUPLICATES"], rows: rows))
    }
}
