import EvidenceCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes a key file that must not exist yet: created with its final permissions (never readable by others, not even
/// for a moment, as a file written first and restricted after would be), never over another file, and fsync'd with
/// its folder before keygen reports it, since files sealed to a lost reviewer key can never be opened again.
enum NewKeyFile {
    static func create(_ url: URL, contents: String, mode: mode_t) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(errno, "cannot create \(url.path)") }
        do {
            // The mode asked for, whatever the umask took away (the public key is meant to be shared).
            guard fchmod(fd, mode) == 0 else { throw failure(errno, "cannot set the permissions of \(url.path)") }
            let bytes = Array(contents.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw failure(errno, "cannot write \(url.path)") }
                written += count
            }
            guard fsync(fd) == 0 else { throw failure(errno, "cannot write \(url.path) to disk") }
        } catch {
            close(fd)
            unlink(url.path)
            throw error
        }
        close(fd)
        try FileSystem.syncDirectory(url.deletingLastPathComponent())
    }

    private static func failure(_ code: Int32, _ what: String) -> ReviewFailure {
        ReviewFailure(description: "\(what): \(String(cString: strerror(code)))")
    }
}
