#!/usr/bin/python3
"""After a load run: every receipt handed out is a stored, verifiable file, and nothing else was stored.

Usage: check_store.py --data DIR --review EVIDENCE-REVIEW --key REVIEWER.key --results RESULTS.json [...] [--out CHECK.json]
(EVIDENCE_KEY_PASSPHRASE must hold the key's passphrase; the server should be stopped.)

Checks, each failure listed in the JSON printed (and written to --out); exit 1 on any failure:
  - `evidence-review list --status all --json --key KEY` holds exactly one record per file of every receipt, matched
    one to one through the receipt's log index: the transparency-log entry at that index is a "received"
    entry naming the file id that commits to the receipt's original and cleaned SHA-256 under the receipt's
    opening (docs/TRANSPARENCY-LOG.md), and the record's hashes, opened with the key, are the receipt's;
  - every receipt's code, keyed with receipt-code.key (HMAC-SHA256 of its 25 digits), finds the submission that
    holds exactly the receipt's files;
  - no record, and no "received" log entry, without a receipt (a dropped, refused or cut upload left none);
  - spool/ holds no file (an empty partial/ is allowed), blobs/tmp/ is empty, and the files under blobs/ are
    exactly the sealed copies (and kept originals) the database names: no orphan, none missing;
  - `evidence-review verify --key KEY` (re-hashes every blob, recomputes the log, checks checkpoints) exits 0.
The database is read from a copy (with its WAL) made in a scratch folder that is removed afterwards.
"""
import argparse
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile


def parse_entry(blob):
    lines = bytes(blob).decode("utf-8").split("\n")
    fields = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(" ")
            fields[name] = value
    return fields


def read_database(data, scratch):
    """Rows of a copy of evidence.sqlite (the live file is not opened: SQLite would write beside it)."""
    copy = os.path.join(scratch, "evidence.sqlite")
    for suffix in ("", "-wal"):
        source = os.path.join(data, "evidence.sqlite" + suffix)
        if os.path.exists(source):
            shutil.copyfile(source, copy + suffix)
    db = sqlite3.connect(copy)
    try:
        entries = {index: (parse_entry(entry), file_id) for index, entry, file_id in
                   db.execute("SELECT leaf_index, entry, file_id FROM log_entry")}
        submissions = {bytes(receipt_hash): sid for sid, receipt_hash in db.execute("SELECT id, receipt_hash FROM submission")}
        files = {fid: {"submission": sid, "blob": key, "original_blob": original} for fid, sid, key, original in
                 db.execute("SELECT id, submission_id, blob_key, original_blob_key FROM file")}
    finally:
        db.close()
    return entries, submissions, files


def commitment(kind, opening, sha256):
    """The log's commitment to a file's hash under its receipt's opening (docs/TRANSPARENCY-LOG.md)."""
    tag = ("evidence-drop/v2 %s-commitment\n" % kind).encode()
    return hashlib.sha256(tag + bytes.fromhex(opening) + bytes.fromhex(sha256)).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--review", required=True, help="the evidence-review executable")
    parser.add_argument("--key", required=True, help="the reviewer's private key file")
    parser.add_argument("--results", action="append", required=True, help="loadtest.py results (repeatable)")
    parser.add_argument("--out")
    options = parser.parse_args()
    failures = []

    receipts = []
    for path in options.results:
        with open(path) as f:
            receipts += json.load(f)["receipts"]

    listed = subprocess.run([options.review, "list", "--status", "all", "--json", "--key", options.key, "--data", options.data],
                            capture_output=True, text=True)
    if listed.returncode != 0:
        failures.append(f"evidence-review list failed ({listed.returncode}): {listed.stderr.strip()}")
        records = []
    else:
        records = json.loads(listed.stdout)
    by_id = {r["id"]: r for r in records}

    scratch = tempfile.mkdtemp(prefix="check-store-")
    try:
        entries, submissions, db_files = read_database(options.data, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with open(os.path.join(options.data, "receipt-code.key"), "rb") as f:
        receipt_key = f.read()

    # Receipts -> log entries -> records, one to one.
    claimed = {}
    matched_files = 0
    for receipt in receipts:
        where = f"receipt of client {receipt.get('client')} ({receipt.get('kind')})"
        file_ids = []
        for item in receipt["files"]:
            index = item.get("logIndex")
            if index not in entries:
                failures.append(f"{where}: log index {index} is not in the log")
                continue
            entry, entry_file = entries[index]
            if entry.get("kind") != "received":
                failures.append(f"{where}: log entry {index} is a {entry.get('kind')} entry, not received")
                continue
            file_id = int(entry["file"])
            if file_id != entry_file:
                failures.append(f"log entry {index} names file {file_id} but is filed under {entry_file}")
            if entry.get("original-commitment") != commitment("original", item["opening"], item["originalSHA256"]) \
                    or entry.get("cleaned-commitment") != commitment("cleaned", item["opening"], item["cleanedSHA256"]):
                failures.append(f"{where}: log entry {index} does not commit to the receipt's hashes")
            record = by_id.get(file_id)
            if record is None:
                failures.append(f"{where}: file {file_id} (log entry {index}) is not listed")
                continue
            if record.get("original_sha256") != item["originalSHA256"] or record.get("cleaned_sha256") != item["cleanedSHA256"]:
                failures.append(f"{where}: file {file_id} has other hashes than the receipt")
            if bool(record.get("original_kept")) != bool(item.get("originalKept")):
                failures.append(f"{where}: file {file_id} original_kept={record.get('original_kept')}, receipt says {item.get('originalKept')}")
            if file_id in claimed:
                failures.append(f"{where}: file {file_id} is also on the receipt of client {claimed[file_id]}")
            claimed[file_id] = receipt.get("client")
            file_ids.append(file_id)
            matched_files += 1
        digits = "".join(c for c in receipt.get("code") or "" if c.isdigit())
        submission = submissions.get(hmac.new(receipt_key, digits.encode(), hashlib.sha256).digest()) if len(digits) == 25 else None
        if submission is None:
            failures.append(f"{where}: its receipt code finds no submission")
        else:
            held = sorted(fid for fid, f in db_files.items() if f["submission"] == submission)
            if held != sorted(file_ids):
                failures.append(f"{where}: submission {submission} holds files {held}, the receipt names {sorted(file_ids)}")

    unclaimed = sorted(set(by_id) - set(claimed))
    for file_id in unclaimed:
        r = by_id[file_id]
        failures.append(f"file {file_id} ({r.get('type')}, {r.get('original_size')} bytes, original {(r.get('original_sha256') or '')[:16]}…) "
                        f"is stored but on no receipt")
    received = {int(e["file"]) for e, _ in entries.values() if e.get("kind") == "received"}
    for file_id in sorted(received - set(by_id)):
        failures.append(f"the log has a received entry for file {file_id}, which is not listed")
    if sorted(entries) != list(range(len(entries))):
        failures.append("the log's leaf indices are not 0..n-1 without gaps")

    # Spool and blobs.
    spool = os.path.join(options.data, "spool")
    spool_left = []
    for root, folders, names in os.walk(spool):
        for name in names:
            spool_left.append(os.path.relpath(os.path.join(root, name), spool))
        for name in folders:
            if os.path.relpath(os.path.join(root, name), spool) != "partial":
                spool_left.append(os.path.relpath(os.path.join(root, name), spool) + "/")
    for name in spool_left:
        failures.append(f"left in spool/: {name}")
    blobs = os.path.join(options.data, "blobs")
    on_disk = set()
    blob_tmp = []
    for root, _, names in os.walk(blobs):
        for name in names:
            relative = os.path.relpath(os.path.join(root, name), blobs)
            if relative.startswith("tmp" + os.sep):
                blob_tmp.append(relative)
            else:
                on_disk.add(relative)
    for name in blob_tmp:
        failures.append(f"left in blobs/tmp/: {name}")
    named = {f["blob"] for f in db_files.values() if f["blob"]} | {f["original_blob"] for f in db_files.values() if f["original_blob"]}
    for name in sorted(on_disk - named):
        failures.append(f"orphan blob (no record names it): blobs/{name}")
    for name in sorted(named - on_disk):
        failures.append(f"blob missing: blobs/{name}")

    verify = subprocess.run([options.review, "verify", "--data", options.data, "--key", options.key], capture_output=True, text=True)
    if verify.returncode != 0:
        failures.append(f"evidence-review verify exited {verify.returncode}: {(verify.stdout + verify.stderr).strip()[-2000:]}")

    report = {
        "receipts": len(receipts),
        "receipt_files": sum(len(r["files"]) for r in receipts),
        "records": len(records),
        "matched": matched_files,
        "records_without_receipt": len(unclaimed),
        "log_entries": len(entries),
        "blobs": len(on_disk),
        "originals_kept": sum(1 for f in db_files.values() if f["original_blob"]),
        "spool_left": spool_left,
        "verify_exit": verify.returncode,
        "verify_output": (verify.stdout + verify.stderr).strip()[-500:],
        "failures": failures,
    }
    text = json.dumps(report, indent=1)
    if options.out:
        with open(options.out, "w") as f:
            f.write(text)
    print(text)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
