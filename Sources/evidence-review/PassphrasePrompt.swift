import EvidenceCrypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The key passphrase: `EVIDENCE_KEY_PASSPHRASE`, or typed at a prompt on the terminal without echo.
enum PassphrasePrompt {
    static let environmentVariable = "EVIDENCE_KEY_PASSPHRASE"

    private static func read(prompt: String) throws -> String {
        if let value = ProcessInfo.processInfo.environment[environmentVariable] { return value }
        return try readWithoutEcho(prompt)
    }

    /// The passphrase of a new key: asked twice at the terminal whenever there is one, even with the variable set (a
    /// passphrase left in the environment, by a demo say, must not silently protect a new key); taken from the
    /// variable without a terminal or when `fromEnvironment` says so, and said so on stderr.
    static func readNew(prompt: String, fromEnvironment: Bool) throws -> String {
        let tty = fromEnvironment ? -1 : open("/dev/tty", O_RDWR)
        if tty >= 0 {
            close(tty)
            if ProcessInfo.processInfo.environment[environmentVariable] != nil {
                FileHandle.standardError.write(Data("\(environmentVariable) is set, but a new key's passphrase is always typed here.\n".utf8))
            }
            let first = try readWithoutEcho(prompt)
            guard try readWithoutEcho("Repeat the passphrase: ") == first else { throw ReviewFailure(description: "the two passphrases differ") }
            return first
        }
        guard let value = ProcessInfo.processInfo.environment[environmentVariable] else {
            throw ReviewFailure(description: "no terminal to ask for the new key's passphrase; set \(environmentVariable)")
        }
        FileHandle.standardError.write(Data("the passphrase comes from \(environmentVariable)\n".utf8))
        return value
    }

    private static func readWithoutEcho(_ prompt: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else {
            throw ReviewFailure(description: "no terminal to ask for the key passphrase; set \(environmentVariable)")
        }
        defer { close(tty) }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &silent)
        defer {
            tcsetattr(tty, TCSAFLUSH, &saved)
            _ = write(tty, "\n", 1)
        }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(tty, &byte, 1) == 1 && byte != 10 {
            line.append(byte)
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Loads a passphrase-protected reviewer key, asking for the passphrase.
    static func loadKey(_ path: String) throws -> X25519PrivateKey {
        let pem: String
        do {
            pem = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ReviewFailure(description: "cannot read the key file \(path)")
        }
        let passphrase = try read(prompt: "Passphrase for \(path): ")
        return try X25519PrivateKey(encryptedPEM: pem, passphrase: passphrase)
    }
}
