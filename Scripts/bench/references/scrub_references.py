#!/usr/bin/env python3
"""Times the reference metadata removers on the same files as `bench-scrub corpus`, file by file.

  scrub_references.py exiftool-batch LIST OUT   one ExifTool process for all files (-stay_open: each file is one
                                                -execute of `-all= -o OUT/N.ext FILE`, timed from command to {ready});
                                                an untimed warm-up pass first loads every format's module
  scrub_references.py exiftool-process LIST OUT one `exiftool -all= -o OUT/N.ext FILE` process per file
  scrub_references.py mat2 LIST OUT             one `mat2 FILE` process per file (on a copy in OUT; mat2 writes
                                                FILE.cleaned.EXT beside it)

LIST has lines FORMAT<TAB>BYTES<TAB>PATH. A file counts as cleaned when the tool wrote its output (and, for processes,
exited 0); the files/s and MB/s of a tool count only the files it cleaned and the time it spent on them, and the
files it could not clean are listed. Prints JSON: {"formats": {FORMAT: {"files", "cleaned", "bytes", "seconds"}},
"failed": [paths]}.
"""
import json
import os
import shutil
import subprocess
import sys
import time


def read_list(path):
    entries = []
    with open(path) as handle:
        for line in handle:
            fmt, size, file = line.rstrip("\n").split("\t", 2)
            entries.append((fmt, int(size), file))
    return entries


def output_name(out, index, file):
    return os.path.join(out, f"{index}{os.path.splitext(file)[1]}")


def exiftool_batch(entries, out):
    process = subprocess.Popen(
        ["exiftool", "-stay_open", "True", "-@", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, bufsize=1)
    # A warm-up pass over every file, untimed: ExifTool loads the module of each format the first time it meets
    # one, which a long batch pays once; the timed pass is its steady state, its best case.
    for warm in (True, False):
        results = []
        for index, (_, _, file) in enumerate(entries):
            target = output_name(out, index, file)
            if os.path.exists(target):
                os.remove(target)
            began = time.perf_counter()
            process.stdin.write(f"-all=\n-o\n{target}\n{file}\n-execute\n")
            process.stdin.flush()
            while True:
                line = process.stdout.readline()
                if not line or line.strip() == "{ready}":
                    break
            elapsed = time.perf_counter() - began
            results.append((elapsed, os.path.exists(target)))
    process.stdin.write("-stay_open\nFalse\n")
    process.stdin.flush()
    process.wait()
    return results


def per_process(entries, out, command):
    results = []
    for index, (_, _, file) in enumerate(entries):
        target, argv = command(index, file)
        began = time.perf_counter()
        code = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        elapsed = time.perf_counter() - began
        results.append((elapsed, code == 0 and os.path.exists(target)))
    return results


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tool, list_path, out = sys.argv[1:]
    entries = read_list(list_path)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    if tool == "exiftool-batch":
        results = exiftool_batch(entries, out)
    elif tool == "exiftool-process":
        results = per_process(entries, out, lambda index, file: (
            output_name(out, index, file), ["exiftool", "-q", "-q", "-all=", "-o", output_name(out, index, file), file]))
    elif tool == "mat2":
        def mat2(index, file):
            copy = output_name(out, index, file)
            shutil.copyfile(file, copy)
            stem, extension = os.path.splitext(copy)
            return f"{stem}.cleaned{extension}", ["mat2", copy]
        results = per_process(entries, out, mat2)
    else:
        sys.exit(f"unknown tool {tool}")
    formats = {}
    failed = []
    for (fmt, size, file), (elapsed, cleaned) in zip(entries, results):
        row = formats.setdefault(fmt, {"files": 0, "cleaned": 0, "bytes": 0, "seconds": 0.0})
        row["files"] += 1
        if cleaned:
            row["cleaned"] += 1
            row["bytes"] += size
            row["seconds"] += elapsed
        else:
            failed.append(file)
    shutil.rmtree(out, ignore_errors=True)
    print(json.dumps({"formats": formats, "failed": failed}))


if __name__ == "__main__":
    main()
