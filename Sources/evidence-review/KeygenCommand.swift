import ArgumentParser
import EvidenceCrypto
import Foundation

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a reviewer key pair: FILE (private, passphrase-protected) and FILE.pub (for the server's recipients/).",
        discussion: """
            Keep the private key and its passphrase off the server; only FILE.pub goes to the server. The passphrase
            is typed at the terminal, even with EVIDENCE_KEY_PASSPHRASE set; it is taken from that variable only
            without a terminal (a script) or with --passphrase-from-environment, and keygen says so.
            Example: evidence-review keygen --out ~/reviewer.key
            """)

    @Option(help: "Where to write the private key; the public key goes to FILE.pub.") var out: String
    @Flag(help: "Take the passphrase from EVIDENCE_KEY_PASSPHRASE even on a terminal (a demo's key).")
    var passphraseFromEnvironment = false

    func run() throws {
        let privateURL = URL(fileURLWithPath: out)
        let publicURL = URL(fileURLWithPath: out + ".pub")
        for url in [privateURL, publicURL] where FileManager.default.fileExists(atPath: url.path) {
            throw ReviewFailure(description: "\(url.path) already exists; refusing to overwrite a key")
        }
        let passphrase = try PassphrasePrompt.readNew(prompt: "New passphrase for \(out): ", fromEnvironment: passphraseFromEnvironment)
        guard passphrase.count >= 8 else {
            throw ReviewFailure(description: "the passphrase is too short: use at least 8 characters (a few words is best)")
        }
        let key = X25519PrivateKey.generate()
        let pem = try key.encryptedPEM(passphrase: passphrase)
        try NewKeyFile.create(privateURL, contents: pem, mode: 0o600)
        do {
            try NewKeyFile.create(publicURL, contents: key.publicKey.pem, mode: 0o644)
        } catch {
            // Nothing can have been sealed to a key whose public half was never written: leave no half pair.
            unlink(privateURL.path)
            throw error
        }
        print("private key: \(privateURL.path) (keep it and its passphrase off the server)")
        print("public key:  \(publicURL.path)")
        print("fingerprint: \(key.publicKey.fingerprint)")
        print("install it:  on the server, evidence-review keys add \(publicURL.lastPathComponent) --name NAME (or copy it into DATA/recipients/)")
    }
}
