import EvidenceCore
import Foundation
import Testing

/// The disk fills up, the data folder turns read-only, the database gets a damaged page: each gives the stated
/// answer, loses nothing accepted, and `verify` passes afterwards or names exactly the damage.
@Suite(.enabled(if: Paths.hasCorpus, "../shared/corpus is absent"), .serialized)
struct FaultTests {
    /// A small tmpfs needs root (as in CI); elsewhere the file-system tests are skipped.
    static let canMount: Bool = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evidence-mount-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        guard run("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder.path]) == 0 else { return false }
        return run("umount", [folder.path]) == 0
    }()

    @discardableResult
    static func run(_ command: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A TestServer whose data folder is on a fresh tmpfs of `megabytes`; unmounted by `unmount()`.
    static func serverOnTmpfs(megabytes: Int) throws -> (TestServer, URL) {
        let server = try TestServer()
        let mountPoint = server.folder.path("data")
        let keep = server.folder.path("data-initial")
        try FileManager.default.moveItem(at: mountPoint, to: keep)
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard run("mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", mountPoint.path]) == 0 else {
            throw MountFailed()
        }
        // The initialised folder (keys, database) goes onto the small file system.
        for name in try FileManager.default.contentsOfDirectory(atPath: keep.path) {
            try FileManager.default.copyItem(at: keep.appendingPathComponent(name), to: mountPoint.appendingPathComponent(name))
        }
        return (server, mountPoint)
    }

    struct MountFailed: Error {}

    @Test("a small disk fills up: every upload is stored or refused with 507, never a 500 or a reset, and verify passes",
          .enabled(if: FaultTests.canMount, "needs root to mount a tmpfs"))
    func diskFills() async throws {
        let (store, mountPoint) = try Self.serverOnTmpfs(megabytes: 40)
        defer { Self.run("umount", ["-l", mountPoint.path]) }
        let file = try ServerLimitsTests.wav(in: store.folder, size: 5_000_000)
        // No floor: this is about the disk truly running out (ENOSPC and SQLITE_FULL).
        let statuses = try await store.run(limits: { $0.freeSpaceFloor = .none }) { port in
            var statuses: [Int] = []
            for _ in 0..<12 { statuses.append(try await Upload.send(port: port, files: [file]).status) }
            return statuses
        }
        #expect(Set(statuses).isSubset(of: [201, 507]), "\(statuses)")
        #expect(statuses.first == 201 && statuses.last == 507, "\(statuses)")
        let accepted = statuses.filter { $0 == 201 }.count
        let listed = try JSONSerialization.jsonObject(with: try await store.review(["list", "--status", "all", "--json"]).stdout) as? [Any]
        #expect(listed?.count == accepted, "every receipt handed out has its record, and no refused upload has one")
        let spool = try FileManager.default.contentsOfDirectory(atPath: store.data.spool.path).filter { $0 != "partial" }
        #expect(spool.isEmpty, "\(spool)")
        let verify = try await store.review(["verify", "--key", store.keyFile.path])
        #expect(verify.status == 0, "\(verify.stdoutText) \(verify.stderr)")
    }

    @Test("the disk fills during a resumable upload's PATCH: 507 with an offset that is true, and the upload finishes once there is room",
          .enabled(if: FaultTests.canMount, "needs root to mount a tmpfs"))
    func diskFillsDuringPatch() async throws {
        let (store, mountPoint) = try Self.serverOnTmpfs(megabytes: 40)
        defer { Self.run("umount", ["-l", mountPoint.path]) }
        let source = try ServerLimitsTests.wav(in: store.folder, size: 16_000_000)
        let expected = String(try await Subprocess.run("sha256sum", [source.path]).stdoutText.prefix(64))
        // Leaves room for only part of the file.
        let filler = mountPoint.appendingPathComponent("filler")
        try Data(count: 28_000_000).write(to: filler)
        let tus = ["-H", "Tus-Resumable: 1.0.0"]
        // No "Expect: 100-continue", so the first status line curl prints is the answer.
        let patch = ["-X", "PATCH", "-H", "Expect:"] + tus + ["-H", "Content-Type: application/offset+octet-stream"]
        let (full, state, rest, receipt) = try await store.run(limits: { $0.freeSpaceFloor = .none }) { port in
            let base = "http://127.0.0.1:\(port)"
            let created = try await TusTests.curl(["-X", "POST"] + tus + ["-H", "Upload-Length: 16000000", "\(base)/uploads"])
            let location = try #require(TusTests.header("Location", in: created.headers))
            let full = try await TusTests.curl(patch + ["-H", "Upload-Offset: 0", "--data-binary", "@\(source.path)", base + location])
            let state = try await TusTests.curl(["-I"] + tus + [base + location])
            try FileManager.default.removeItem(at: filler)
            let offset = Int(TusTests.header("Upload-Offset", in: state.headers) ?? "") ?? 0
            let remainder = try store.folder.write("remainder", try Data(contentsOf: source).dropFirst(offset))
            let rest = try await TusTests.curl(patch + ["-H", "Upload-Offset: \(offset)", "--data-binary", "@\(remainder.path)", base + location])
            let answer = try await Subprocess.run("curl", ["-sS", "-H", "Accept: application/json", "-F", "upload=\(base + location)", "\(base)/submissions"])
            return (full, state, rest, try? JSONDecoder().decode(Receipt.self, from: answer.stdout))
        }
        #expect(full.status == 507, "\(full.headers)")
        let offset = TusTests.header("Upload-Offset", in: full.headers)
        #expect(offset != nil && offset != "16000000", "\(full.headers)")
        #expect(TusTests.header("Upload-Offset", in: state.headers) == offset, "HEAD agrees with the 507's offset")
        #expect(rest.status == 204 && TusTests.header("Upload-Offset", in: rest.headers) == "16000000", "\(rest.headers)")
        #expect(receipt?.files.first?.originalSHA256 == expected, "the finished upload is the source, byte for byte")
    }

    @Test("a read-only data folder: uploads get a readable 503, pages keep working, uploads resume once it is writable",
          .enabled(if: FaultTests.canMount, "needs root to mount a tmpfs"))
    func readOnly() async throws {
        let (store, mountPoint) = try Self.serverOnTmpfs(megabytes: 40)
        defer { Self.run("umount", ["-l", mountPoint.path]) }
        let photo = Paths.corpusFile(EndToEndTests.gpsJPEG)
        // The database stays open for writing, so the file system cannot be remounted read-only under it; the
        // folders uploads are written to (spool, blobs) are made read-only instead, with read-only bind mounts.
        let writable = [store.data.spool.path, store.data.root.appendingPathComponent("blobs").path]
        let (refused, page, form, later) = try await store.run(limits: { $0.freeSpaceFloor = .none }) { port in
            for folder in writable {
                #expect(Self.run("mount", ["--bind", folder, folder]) == 0)
                #expect(Self.run("mount", ["-o", "remount,bind,ro", folder]) == 0)
            }
            let refused = try await Upload.send(port: port, files: [photo])
            let page = try await Upload.send(port: port, files: [photo], json: false)
            let form = try await Subprocess.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/"]).stdoutText
            for folder in writable { #expect(Self.run("umount", [folder]) == 0) }
            return (refused, page, form, try await Upload.send(port: port, files: [photo]).status)
        }
        #expect(refused.status == 503, "\(refused.status) \(refused.text)")
        #expect(page.status == 503 && page.text.contains("<h1>"))
        #expect(form == "200")
        #expect(later == 201)
        let verify = try await store.review(["verify", "--key", store.keyFile.path])
        #expect(verify.status == 0, "\(verify.stdoutText) \(verify.stderr)")
    }

    @Test("a damaged database page: verify exits 1 and says the database is damaged")
    func corruptedPage() async throws {
        let store = try TestServer()
        try await store.run { port in
            for _ in 0..<3 { _ = try await Upload.send(port: port, files: [Paths.corpusFile(EndToEndTests.gpsJPEG)]) }
        }
        #expect(try await store.review(["verify"]).status == 0)
        // Fold the WAL into the main file, then overwrite the header of the `file` table's root page.
        _ = try await Subprocess.run("sqlite3", [store.data.database.path, "PRAGMA wal_checkpoint(TRUNCATE);"])
        let root = try await Subprocess.run("sqlite3", [store.data.database.path, "SELECT rootpage FROM sqlite_master WHERE name = 'file';"])
        let page = try #require(Int(root.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        // From a child process: in this one, closing a descriptor of the file would drop SQLite's locks on it
        // (Tests/LockGuard).
        let damage = "import sys\nwith open(sys.argv[1], 'r+b') as f:\n    f.seek(int(sys.argv[2]))\n    f.write(b'\\xa5' * 64)\n"
        let damaged = try await Subprocess.run("/usr/bin/python3", ["-c", damage, store.data.database.path, String((page - 1) * 4096)])
        #expect(damaged.status == 0, "\(damaged.stderr)")
        let verify = try await store.review(["verify"])
        #expect(verify.status == 1 || verify.status == 2, "\(verify.stdoutText)")
        let said = verify.stdoutText + verify.stderr
        #expect(said.contains("database"), "verify does not name the database: \(said)")
        #expect(!said.contains("Fatal error"), "verify crashed: \(said)")
    }
}
