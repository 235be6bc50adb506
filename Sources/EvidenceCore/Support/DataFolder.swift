import EvidenceCrypto
import Foundation

/// The on-disk layout of one evidence store (see DESIGN.md, "The data folder").
public struct DataFolder: Sendable {
    public let root: URL

    public init(_ path: String) {
        self.root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var database: URL { root.appendingPathComponent("evidence.sqlite") }
    public var blobs: URL { root.appendingPathComponent("blobs", isDirectory: true) }
    public var spool: URL { root.appendingPathComponent("spool", isDirectory: true) }
    public var recipients: URL { root.appendingPathComponent("recipients", isDirectory: true) }
    /// Revoked reviewer keys, kept for the record; nothing is sealed to them.
    public var revokedRecipients: URL { recipients.appendingPathComponent("revoked", isDirectory: true) }
    /// Key of the keyed hash under which receipt codes are stored.
    public var receiptKeyFile: URL { root.appendingPathComponent("receipt-code.key") }

    /// The server's Ed25519 key that signs log checkpoints (unencrypted PKCS#8, owner-only).
    public var logSigningKeyFile: URL { root.appendingPathComponent("log-signing.key") }

    /// The default folder: `EVIDENCE_DATA`, or `./evidence-data`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["EVIDENCE_DATA"] ?? "evidence-data"
    }

    /// Creates the folder and its subfolders (owner-only) and the receipt key, if missing. Safe to call on every start.
    public func initialise() throws {
        for folder in [root, blobs, spool, recipients] {
            try FileSystem.makeDurableDirectory(folder)
        }
        // The folders uploads pass through say nothing about when anything happened, not even the first start.
        for folder in [blobs, spool] { FileSystem.setConstantModificationTime(folder) }
        if !FileManager.default.fileExists(atPath: receiptKeyFile.path) {
            try FileSystem.writeAtomically(SecureRandom.bytes(count: 32), to: receiptKeyFile)
        }
        if !FileManager.default.fileExists(atPath: logSigningKeyFile.path) {
            try FileSystem.writeAtomically(Array(Ed25519PrivateKey.generate().pem.utf8), to: logSigningKeyFile)
        }
    }

    /// Whether `initialise` ran here: its keys exist (the database may live elsewhere, in PostgreSQL).
    public var isInitialised: Bool {
        FileManager.default.fileExists(atPath: database.path) || FileManager.default.fileExists(atPath: logSigningKeyFile.path)
    }

    /// The reviewers' public keys, `recipients/*.pub`, in name order; a key present under two names counts once.
    public func loadRecipients() throws -> [X25519PublicKey] {
        var seen = Set<X25519PublicKey>()
        return try recipientFiles().map(\.key).filter { seen.insert($0).inserted }
    }

    /// Every `recipients/*.pub` with its key, in name order.
    public func recipientFiles() throws -> [(name: String, key: X25519PublicKey)] {
        try keyFiles(in: recipients, shownAs: "recipients/")
    }

    /// Every `recipients/revoked/*.pub` with its key, in name order.
    public func revokedRecipientFiles() throws -> [(name: String, key: X25519PublicKey)] {
        try keyFiles(in: revokedRecipients, shownAs: "recipients/revoked/")
    }

    private func keyFiles(in folder: URL, shownAs shown: String) throws -> [(name: String, key: X25519PublicKey)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { $0.hasSuffix(".pub") }.sorted().map { name in
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            do {
                return (name, try RecipientKeyCache.key(pem: text))
            } catch {
                throw CoreError.storage("\(shown)\(name) is not a reviewer public key: \(error)")
            }
        }
    }

    /// Copies a reviewer public key into `recipients/`, named after its fingerprint. Refuses a revoked key, so a
    /// `serve --recipient` left in a start script cannot quietly bring one back.
    public func addRecipient(_ key: X25519PublicKey) throws {
        if try revokedRecipientFiles().contains(where: { $0.key == key }) {
            throw ReviewerKeyError.revoked(fingerprint: key.fingerprint, hour: nil, by: nil)
        }
        try FileSystem.writeAtomically(Array(key.pem.utf8), to: recipients.appendingPathComponent(Self.recipientFileName(for: key)))
    }

    /// The name `addRecipient` gives a key's file: "sha256-<hex>.pub".
    public static func recipientFileName(for key: X25519PublicKey) -> String {
        key.fingerprint.replacingOccurrences(of: ":", with: "-") + ".pub"
    }

    /// Moves every `recipients/*.pub` holding `key` into `recipients/revoked/`, so no new file is sealed to it.
    func moveToRevoked(_ key: X25519PublicKey) throws {
        try FileSystem.makeDurableDirectory(revokedRecipients)
        for file in try recipientFiles() where file.key == key {
            try FileSystem.durableRename(
                recipients.appendingPathComponent(file.name), to: revokedRecipients.appendingPathComponent(file.name))
            try FileSystem.syncDirectory(recipients)
        }
    }

    public func loadLogSigningKey() throws -> Ed25519PrivateKey {
        do {
            return try Ed25519PrivateKey(pem: String(contentsOf: logSigningKeyFile, encoding: .utf8))
        } catch {
            throw CoreError.storage("\(logSigningKeyFile.path) is missing or damaged: \(error)")
        }
    }

    public func loadReceiptKey() throws -> [UInt8] {
        let key = try [UInt8](Data(contentsOf: receiptKeyFile))
        guard key.count == 32 else { throw CoreError.storage("\(receiptKeyFile.path) is damaged (expected 32 bytes)") }
        return key
    }

    /// Removes what a crash can leave behind: spool files (their keys died with the process), unfinished blobs,
    /// unfinished pieces of resumable uploads and resumable uploads past their age. Resumable uploads themselves stay.
    public func removeLeftovers(partialUploadMaxAge: TimeInterval = 24 * 3600) throws {
        for folder in [spool, blobs.appendingPathComponent("tmp", isDirectory: true)] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name != "partial" {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
            }
        }
        let partial = PartialUploads(spool: spool, maxAge: partialUploadMaxAge)
        partial.removeUnfinishedSegments()
        partial.removeExpired()
    }
}
