#!/usr/bin/python3
"""Searches every byte, and every file name, of the given folders and files for what identifies a submitter.

Usage: anonymity_scan.py [--needles RESULTS.json] [--needle TEXT ...]
                         [--data DIR ...] [--scan PATH ...] [--output FILE ...] [--recent DIR --since MARKER ...]
                         [--exclude PATH ...] [--skip-dir-name NAME ...] [--allow REGEX ...] [--out SCAN.json]

Needles are searched case-insensitively. From a loadtest.py results file come its "anchors": the run's random
id (inside every User-Agent, Referer, original file name and message the clients sent), the constant prefixes
of those strings, and the client addresses 127.0.0.2 and 127.0.0.3; plus samples of the plaintext of the large
video, which must never be on disk unsealed. Searching for the anchors finds every full string that holds one.

  --data DIR   the server's data folder: all needles, and also the data-only anchors (127.0.0.1, the address
               every local client has, which the server prints in its own "listening on" line); and every
               file's and folder's modification time against the project's constant, 2000-01-01 (reported,
               not failed). The packed 4-byte forms of the addresses are not searched: SQLite pages are full
               of small big-endian integers, and 7f 00 00 01 turns up in index pages by chance.
  --scan PATH  a folder or file searched for all needles but the data-only anchors.
  --output F   captured server output: all needles, and the data-only anchors too, except where an --allow
               regular expression matches around them (e.g. the server's own "listening on 127.0.0.1:PORT");
               allowed occurrences are counted and shown.
  --recent DIR with --since MARKER: the files under DIR whose inode change time (which, unlike the
               modification time, the server cannot reset) is not older than MARKER's, i.e. written during the run,
               searched only for the run's own needles ("run_anchors": the random run id, which is inside every
               User-Agent, Referer, file name and message of the run): a shared temp folder holds other processes'
               files, e.g. another test's list of needles, where the constant prefixes and addresses are expected.
  --exclude    paths not searched (the load clients' own results, which list the needles).
Each file is searched once, with the needles of the first role it is given in (output, data, scan, recent).
Prints JSON (hits, allowed occurrences, modification times, what was scanned); exit 1 on any hit.
"""
import argparse
import json
import os
import re
import stat
import sys

CHUNK = 16 * 1024 * 1024
CONSTANT_MTIME = 946_684_800
MAX_SHOWN = 5


class Scan:
    def __init__(self, options):
        self.options = options
        self.excluded = [os.path.realpath(p) for p in options.exclude]
        self.hits = []
        self.allowed = []
        self.unreadable = []
        self.files = 0
        self.bytes = 0
        self.names = 0
        self.seen = set()
        self.allow = [re.compile(a.encode(), re.IGNORECASE) for a in options.allow]

    def is_excluded(self, path):
        real = os.path.realpath(path)
        return any(real == e or real.startswith(e + os.sep) for e in self.excluded)

    def walk(self, root, since=None):
        """Regular files under root (or root itself), skipping excluded paths and --skip-dir-name folders."""
        if os.path.isfile(root):
            yield root
            return
        for folder, folders, names in os.walk(root, onerror=lambda e: self.unreadable.append(str(e))):
            folders[:] = [d for d in folders if d not in self.options.skip_dir_name and not self.is_excluded(os.path.join(folder, d))]
            for name in names:
                path = os.path.join(folder, name)
                if self.is_excluded(path):
                    continue
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                if since is not None and info.st_ctime < since:
                    continue
                yield path
            for name in folders:
                yield os.path.join(folder, name) + os.sep

    def check_name(self, root, path, needles, where):
        relative = os.path.relpath(path, root) if root != path else os.path.basename(path)
        self.names += 1
        lowered = relative.lower().encode("utf-8", "surrogateescape")
        for needle in needles:
            if needle in lowered:
                self.hits.append({"where": where, "path": path, "in": "file name", "needle": shown(needle)})

    def search(self, path, needles, where, allow=False):
        """Streams the file, searching each chunk (and the seam with the previous one) for every needle."""
        if path in self.seen:
            return
        self.seen.add(path)
        try:
            f = open(path, "rb")
        except OSError as error:
            self.unreadable.append(f"{path}: {error}")
            return
        longest = max([len(n) for n in needles] + [1])
        keep = longest - 1 + 200
        found = {}
        with f:
            self.files += 1
            tail = b""
            position = 0
            while True:
                try:
                    block = f.read(CHUNK)
                except OSError as error:
                    self.unreadable.append(f"{path}: {error}")
                    return
                if not block:
                    break
                self.bytes += len(block)
                data = tail + block
                base = position - len(tail)
                lowered = data.lower()
                for needle in needles:
                    start = max(0, len(tail) - len(needle) + 1)
                    while True:
                        at = lowered.find(needle, start)
                        if at < 0:
                            break
                        start = at + 1
                        self.record(path, where, needle, data, at, base + at, found, allow)
                position += len(block)
                tail = data[-keep:]
        for (needle, kind), count in found.items():
            if count > MAX_SHOWN:
                (self.hits if kind == "hit" else self.allowed).append(
                    {"where": where, "path": path, "needle": needle, "more": count - MAX_SHOWN})

    def record(self, path, where, needle, data, at, offset, found, allow):
        context = data[max(0, at - 60):at + len(needle) + 60]
        kind = "hit"
        if allow and needle in self.data_only:
            line_start = data.rfind(b"\n", 0, at) + 1
            line_end = data.find(b"\n", at)
            line = data[line_start:line_end if line_end >= 0 else len(data)]
            for pattern in self.allow:
                for match in pattern.finditer(line):
                    if match.start() <= at - line_start and at - line_start + len(needle) <= match.end():
                        kind = "allowed"
        key = (shown(needle), kind)
        found[key] = found.get(key, 0) + 1
        if found[key] <= MAX_SHOWN:
            entry = {"where": where, "path": path, "offset": offset, "needle": key[0],
                     "context": context.decode("utf-8", "backslashreplace")}
            (self.hits if kind == "hit" else self.allowed).append(entry)


def shown(needle):
    text = needle.decode("latin-1")
    return text if needle.isascii() and text.isprintable() else "hex:" + needle.hex()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needles", action="append", default=[], help="loadtest.py results JSON")
    parser.add_argument("--needle", action="append", default=[])
    parser.add_argument("--data-needle", action="append", default=[], help="searched only in --data and --output")
    parser.add_argument("--run-needle", action="append", default=[], help="the only needles searched in --recent")
    parser.add_argument("--data", action="append", default=[])
    parser.add_argument("--scan", action="append", default=[])
    parser.add_argument("--output", action="append", default=[])
    parser.add_argument("--recent", action="append", default=[])
    parser.add_argument("--since", help="marker file: --recent scans files changed at or after its change time")
    parser.add_argument("--exclude", action="append", default=[])
    parser.add_argument("--skip-dir-name", action="append", default=[])
    parser.add_argument("--allow", action="append", default=[], help="regex: a data-only needle inside a match, in --output, is allowed")
    parser.add_argument("--out")
    options = parser.parse_args()

    # Needles are bytes, lowered as bytes.lower() lowers the data (ASCII letters only).
    needles = [n.encode() for n in options.needle]
    data_only = [n.encode() for n in options.data_needle]
    run_only = [n.encode() for n in options.run_needle]
    for path in options.needles:
        with open(path) as f:
            given = json.load(f)["needles"]
        needles += [n.encode() for n in given["anchors"]]
        data_only += [n.encode() for n in given["data_only_anchors"]]
        run_only += [n.encode() for n in given.get("run_anchors", [])]
        needles += [bytes.fromhex(h) for h in given.get("plaintext_samples_hex", [])]
    encoded = sorted(set(n.lower() for n in needles))
    encoded_data = sorted(set(n.lower() for n in data_only) - set(encoded))
    encoded_run = sorted(set(n.lower() for n in run_only))
    if not encoded and not encoded_data:
        print("anonymity_scan: no needles", file=sys.stderr)
        sys.exit(2)

    scan = Scan(options)
    scan.data_only = set(encoded_data)
    for path in options.output:
        scan.search(path, encoded + encoded_data, "output", allow=True)
    mtimes = []
    for root in options.data:
        for path in scan.walk(root):
            if path.endswith(os.sep):
                scan.check_name(root, path.rstrip(os.sep), encoded + encoded_data, "data")
                target = path.rstrip(os.sep)
            else:
                scan.check_name(root, path, encoded + encoded_data, "data")
                scan.search(path, encoded + encoded_data, "data")
                target = path
            modified = int(os.lstat(target).st_mtime)
            if modified != CONSTANT_MTIME:
                mtimes.append({"path": os.path.relpath(target, root), "mtime": modified})
        modified = int(os.lstat(root).st_mtime)
        if modified != CONSTANT_MTIME:
            mtimes.append({"path": ".", "mtime": modified})
    for root in options.scan:
        for path in scan.walk(root):
            scan.check_name(root, path.rstrip(os.sep), encoded, "scan")
            if not path.endswith(os.sep):
                scan.search(path, encoded, "scan")
    if options.recent:
        if not options.since or not encoded_run:
            parser.error("--recent needs --since and run needles")
        since = os.stat(options.since).st_ctime
        for root in options.recent:
            for path in scan.walk(root, since=since):
                if path.endswith(os.sep):
                    continue
                scan.check_name(root, path, encoded_run, "recent")
                scan.search(path, encoded_run, "recent")

    report = {
        "needles": [shown(n) for n in encoded],
        "data_only_needles": [shown(n) for n in encoded_data],
        "run_needles": [shown(n) for n in encoded_run],
        "scanned": {"files": scan.files, "bytes": scan.bytes, "names": scan.names,
                    "data": options.data, "scan": options.scan, "output": options.output, "recent": options.recent,
                    "excluded": options.exclude},
        "hits": scan.hits,
        "allowed": scan.allowed,
        "unreadable": scan.unreadable[:50],
        "mtime_not_constant": mtimes[:200],
        "mtime_not_constant_count": len(mtimes),
    }
    text = json.dumps(report, indent=1)
    if options.out:
        with open(options.out, "w") as f:
            f.write(text)
    print(text)
    sys.exit(1 if scan.hits else 0)


if __name__ == "__main__":
    main()
