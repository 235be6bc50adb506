import ArgumentParser
import EvidenceCore
import EvidenceCrypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Reviewer keys: add one, list them, revoke one, and grant files sealed earlier to a new one.",
        discussion: """
            New files are sealed to every key in the data folder's recipients/. The server re-reads it for each \
            submission, so changes take effect without a restart.

            A new reviewer, Dana, makes her key on her own computer; it is added; Alice, whose key opens the files \
            received before, grants them to it. Example:
              evidence-review keygen --out ~/dana.key
              evidence-review keys add dana.key.pub --name Dana
              evidence-review keys grant --all --to dana.key.pub --key ~/alice.key
            """,
        subcommands: [KeysAddCommand.self, KeysListCommand.self, KeysRevokeCommand.self, KeysGrantCommand.self])
}

struct KeysAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a reviewer's public key: files received from now on are sealed to it too.",
        discussion: """
            Files received before are not: grant them with `keys grant`. A revoked key cannot be added again: \
            make a new one with `keygen`.

            Example:
              evidence-review keys add dana.key.pub --name Dana --as alice
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The reviewer's public key (FILE.pub, written by `evidence-review keygen`).") var pubfile: String
    @Option(help: "A name for the key in listings (default: the file's name without .key.pub).") var name: String?

    func run() throws {
        let key = try PublicKeyFile.read(pubfile)
        let keys = try ReviewerKeys(desk: store.openDesk())
        let added = try keys.add(
            key, name: name ?? ReviewerKeys.name(fromFile: URL(fileURLWithPath: pubfile).lastPathComponent), actor: reviewer.actor(in: keys.desk.store))
        print("added \(added.label): new files are sealed to it from the next submission")
        print("older files: evidence-review keys grant --all --to \(added.fingerprint) --key YOUR.key")
    }
}

struct KeysListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List reviewer keys: fingerprint, name, status (active or revoked), when added and revoked, and by whom.",
        discussion: """
            A key copied into recipients/ by hand is active, with its added hour unknown ("-"); it is named after \
            its file, unless the file is named after the fingerprint.

            Example:
              evidence-review keys list --json | jq -r '.[].fingerprint'
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON.") var json = false

    /// One key as `keys list --json` prints it. Field names are a stable contract for scripts.
    struct Listing: Codable {
        let fingerprint: String
        let name: String
        let status: String
        let addedHour: String?
        let addedBy: String?
        let revokedHour: String?
        let revokedBy: String?

        enum CodingKeys: String, CodingKey {
            case fingerprint, name, status, addedHour = "added_hour", addedBy = "added_by"
            case revokedHour = "revoked_hour", revokedBy = "revoked_by"
        }
    }

    func run() throws {
        let keys = try ReviewerKeys(desk: store.openDesk()).list()
        let listings = keys.map {
            Listing(
                fingerprint: $0.fingerprint, name: $0.name, status: $0.status.rawValue, addedHour: $0.addedHour, addedBy: $0.addedBy,
                revokedHour: $0.revokedHour, revokedBy: $0.revokedBy)
        }
        if json {
            print(try JSONOutput.encode(listings))
            return
        }
        let rows = listings.map { key in
            [key.fingerprint, key.name.isEmpty ? "-" : key.name, key.status, key.addedHour ?? "-", key.addedBy ?? "-", key.revokedHour ?? "-", key.revokedBy ?? "-"]
                .map { SafeText.neutralise($0) }
        }
        print(TextTable.render(header: ["FINGERPRINT", "NAME", "STATUS", "ADDED", "BY", "REVOKED", "BY"], rows: rows))
    }
}

struct KeysRevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Stop sealing new files to a key (it moves to recipients/revoked/); the running server follows at once.",
        discussion: """
            Files sealed to the key before stay readable with it: revoking cannot take back what was shared. \
            The last active key cannot be revoked. Asks for confirmation on a terminal unless --yes is given.

            Example:
              evidence-review keys revoke sha256:79927dd4b103092dc735e83eda53a5f7 --yes
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The key's fingerprint (see `keys list`).") var fingerprint: String
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() throws {
        let keys = try ReviewerKeys(desk: store.openDesk())
        let key = try keys.activeKey(fingerprint: fingerprint)
        if !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                throw ReviewFailure(description: "standard input is not a terminal to confirm on; pass --yes to revoke \(key.fingerprint)")
            }
            print("Revoke \(key.label)? New files will no longer be sealed to it. [y/N] ", terminator: "")
            guard let answer = readLine()?.lowercased(), answer == "y" || answer == "yes" else {
                throw ReviewFailure(description: "not revoked")
            }
        }
        try keys.revoke(fingerprint: key.fingerprint, actor: reviewer.actor(in: keys.desk.store))
        print("revoked \(key.label): new files are no longer sealed to it; files sealed to it before stay readable with it")
    }
}

struct KeysGrantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Let another active reviewer key open files sealed before it was added, without re-encrypting them.",
        discussion: """
            Your key opens each file's header and adds a stanza for the new key; the encrypted contents are \
            copied byte for byte (docs/FORMAT.md, "Granting a file to another key"). The file's kept original and \
            the messages and notes of its submission are granted too. Each file gets a "granted" custody entry \
            and log entry. --to takes the key's FILE.pub or its fingerprint from `keys list`.

            With --all, files already sealed to the key are skipped, so an interrupted run can be run again. Files \
            your key does not open are skipped too and named at the end (exit 1): another reviewer must grant them.

            Examples:
              evidence-review keys grant 12 --to dana.key.pub --key ~/alice.key
              evidence-review keys grant --all --to dana.key.pub --key ~/alice.key
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var reviewer: ReviewerOption
    @Argument(help: "The file id (see `list`); or --all.") var id: Int64?
    @Flag(help: "Every file not yet sealed to the key (purged files have nothing left to grant).") var all = false
    @Option(help: "The key to grant to: its fingerprint or its FILE.pub; it must be an active key (see `keys list`).") var to: String
    @Option(help: "Your private key (passphrase-protected); it must open the files.") var key: String

    func validate() throws {
        guard (id != nil) != all else { throw ValidationError("give either a file id or --all") }
    }

    func run() throws {
        let keys = try ReviewerKeys(desk: store.openDesk())
        let fingerprint = FileManager.default.fileExists(atPath: to) ? try PublicKeyFile.read(to).fingerprint : to
        let recipient = try keys.activeKey(fingerprint: fingerprint)
        let identity = try PassphrasePrompt.loadKey(key)
        let actor = try reviewer.actor(keyPath: key, in: keys.desk.store)
        let target = recipient.label
        if let id {
            try grant(id, keys: keys, recipient: recipient, identity: identity, actor: actor)
            print("file \(id) granted to \(target)")
            return
        }
        let ids = try keys.desk.store.files(status: nil).filter { $0.purgedHour == nil }.compactMap(\.id)
        let progress = ProgressBar(title: "granting", total: Int64(ids.count), unit: .items("files"))
        var granted = 0
        var skipped = 0
        var notYours: [Int64] = []
        for id in ids {
            do {
                try grant(id, keys: keys, recipient: recipient, identity: identity, actor: actor)
                granted += 1
            } catch ReviewerKeyError.alreadyGranted {
                skipped += 1
            } catch ReviewerKeyError.cannotOpen {
                // Another reviewer's key may open it: go on with the rest, and name it at the end.
                notYours.append(id)
            } catch {
                progress.finish()
                print("granted \(granted) file(s) to \(target), then stopped at file \(id); files already granted are skipped when this is run again")
                throw error
            }
            progress.advance()
        }
        progress.finish()
        print("granted \(granted) file(s) to \(target); \(skipped) already sealed to it")
        guard notYours.isEmpty else {
            throw CheckFailed(description: """
                \(notYours.count) file(s) not granted because your key does not open them (or a message or note of \
                their submission): \(notYours.map(String.init).joined(separator: ", ")); a reviewer whose key opens them must grant them
                """)
        }
    }

    /// One file, its errors naming it. A sealed copy that is not what was recorded is a failed check (exit 1).
    private func grant(_ id: Int64, keys: ReviewerKeys, recipient: ReviewerKey, identity: X25519PrivateKey, actor: String) throws {
        do {
            try keys.grant(fileID: id, to: recipient.fingerprint, identity: identity, actor: actor)
        } catch let error as ReviewerKeyError {
            switch error {
            case .alreadyGranted, .cannotOpen: throw error
            case .sealedCopyDiffers: throw CheckFailed(description: error.description)
            default: throw ReviewFailure(description: "file \(id): \(error)")
            }
        } catch {
            throw ReviewFailure(description: "file \(id): \(error)")
        }
    }
}

/// A reviewer's public key read from a FILE.pub, with the next step when the file is something else.
enum PublicKeyFile {
    static func read(_ path: String) throws -> X25519PublicKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ReviewFailure(description: "cannot read \(path)")
        }
        do {
            return try X25519PublicKey(pem: text)
        } catch {
            throw ReviewFailure(description: "\(path): \(error); pass the reviewer's FILE.pub, which `evidence-review keygen` writes beside FILE")
        }
    }
}

extension ReviewerKey {
    /// "Dana (sha256:…)", or the fingerprint alone for a key without a name; safe to print.
    var label: String {
        name.isEmpty ? fingerprint : "\(SafeText.neutralise(name)) (\(fingerprint))"
    }
}
