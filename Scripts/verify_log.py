#!/usr/bin/env python3
"""Verify evidence-drop transparency-log checkpoints, proofs, receipts and exports.

An independent implementation of docs/TRANSPARENCY-LOG.md, so anyone can check
the log without the evidence-drop program. Needs only Python 3 and the
`cryptography` package (version 38 or newer).

    verify_log.py checkpoint  --key KEY CHECKPOINT...
    verify_log.py inclusion   --key KEY [--sha256 HEX | --file PATH] [--opening HEX] PROOF.json...
    verify_log.py consistency --key KEY PROOF.json...
    verify_log.py receipt     --key KEY RECEIPT.json PROOF.json... [--file PATH...]
    verify_log.py export      --key KEY DIR

checkpoint, inclusion and consistency check every file they are given and stop
at the first that fails.

KEY is the log's verifier key as served at /log/key, "name+keyid+base64".
CHECKPOINT is a signed checkpoint as served at /log/checkpoint.
An inclusion proof is the JSON served at /log/proof: leaf_index, tree_size,
audit_path (hex hashes), checkpoint (signed note text), and either the log
entry ("entry", its text) or its leaf hash ("leaf_hash", hex). With a SHA-256
(--sha256, the SHA-256 of --file, or else the proof's "sha256") the entry must
also name that file: a sealed SHA-256 as its sealed-sha256; an original or
cleaned SHA-256 in a v1 entry as its original-sha256 or cleaned-sha256; in a
v2 entry through its original-commitment or cleaned-commitment, which needs
the receipt's opening (--opening, or else the proof's "opening").
A consistency proof is the JSON served at /log/consistency: from, to, proof
(hex hashes), old_checkpoint, new_checkpoint.

receipt checks a receipt (the JSON download of the receipt page): its
checkpoint's signature, and for each proof (from /log/proof?sha256=...&opening=...
or /log/proof?index=N) that the proven entry is the "received" entry of the
receipt file with that log index and matches the file's hashes and opening.
Each --file must be the original or the cleaned copy of a file proven so.

export checks a folder written by evidence-review export: for each N.proof.json
with its N.custody.json, the exported file N.<ext> (and N.original.<ext> when
present) against manifest.sha256, the custody facts, the log entry's
commitments and the signed checkpoint, and every custody entry's leaf hash.
Subfolders (one per submission) are checked too.

Exit status: 0 verified, 1 a check failed (the reason is printed), 2 usage or input error.
"""

import argparse
import base64
import binascii
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519_TYPE = 0x01
EM_DASH_PREFIX = "\u2014 "
HASH_LENGTH = 32


class Failure(Exception):
    """A check failed: the data does not verify."""


class UsageError(Exception):
    """The command line or an input file is unusable."""


def leaf_hash(entry):
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def strict_base64(text, what):
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise UsageError("%s is not base64" % what)
    if base64.b64encode(data).decode() != text:
        raise UsageError("%s is not canonical base64" % what)
    return data


def parse_verifier_key(text):
    """Returns (name, key ID, Ed25519 public key) from "name+keyid+base64"."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not parts[0] or any(c.isspace() for c in parts[0]):
        raise UsageError("the key is not of the form name+keyid+base64 (as served at /log/key)")
    name, key_id_hex, encoded = parts
    key = strict_base64(encoded, "the key")
    if len(key) != 33 or key[0] != ED25519_TYPE:
        raise UsageError("the key is not an Ed25519 note key (type byte 01 and 32 bytes)")
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if key_id.hex() != key_id_hex:
        raise UsageError("the key ID %s does not belong to this name and key" % key_id_hex)
    return name, key_id, Ed25519PublicKey.from_public_bytes(key[1:])


def verify_checkpoint(note, verifier):
    """Checks the signed note's signature by the verifier key; returns (origin, size, root)."""
    name, key_id, public_key = verifier
    split = note.rfind("\n\n")
    if split < 0:
        raise Failure("the checkpoint has no blank line before its signatures")
    text = note[: split + 1]
    block = note[split + 2 :]
    if not block.endswith("\n"):
        raise Failure("the checkpoint's last signature line does not end with a line feed")
    found = False
    for line in block[:-1].split("\n"):
        if not line.startswith(EM_DASH_PREFIX):
            raise Failure("the checkpoint has a signature line without the em dash prefix")
        fields = line[len(EM_DASH_PREFIX) :].split(" ")
        if len(fields) != 2:
            raise Failure("the checkpoint has a malformed signature line")
        try:
            blob = strict_base64(fields[1], "a signature of the checkpoint")
        except UsageError as error:
            raise Failure(str(error))
        if fields[0] != name or blob[:4] != key_id:
            continue
        found = True
        try:
            public_key.verify(blob[4:], text.encode())
        except InvalidSignature:
            raise Failure("the signature by %s does not match the checkpoint: it was altered or forged" % name)
    if not found:
        raise Failure("the checkpoint carries no signature by the key %s" % name)
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise Failure("the checkpoint body needs an origin, a tree size and a root hash")
    if not lines[1].isdigit() or str(int(lines[1])) != lines[1]:
        raise Failure("the checkpoint tree size %r is not a decimal number" % lines[1])
    try:
        root = strict_base64(lines[2], "the root hash")
    except UsageError as error:
        raise Failure(str(error))
    if len(root) != HASH_LENGTH:
        raise Failure("the checkpoint root hash is not 32 bytes")
    return lines[0], int(lines[1]), root


def verify_inclusion(leaf, index, size, path, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, path):
    """RFC 9162 section 2.1.4.2."""
    if first > second:
        return False
    if first == second:
        return not path and first_hash == second_hash
    if first == 0:
        return not path
    if first & (first - 1) == 0:
        path = [first_hash] + path
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


# Log entries (docs/TRANSPARENCY-LOG.md, "Entries"). Each field is (name, kind of value).
ENTRY_HEADERS = {"evidence-drop log entry v1": 1, "evidence-drop log entry v2": 2}
COMMON_KINDS = {
    "reviewed": (("file", "count"), ("decision", "decision"), ("reason", "text"), ("actor", "name"), ("hour", "hour")),
    "exported": (("file", "count"), ("actor", "name"), ("hour", "hour")),
    "note": (("file", "count"), ("note-sha256", "hash"), ("actor", "name"), ("hour", "hour")),
    "deleted": (("file", "count"), ("reason", "text"), ("actor", "name"), ("hour", "hour")),
    "granted": (
        ("file", "count"), ("copy", "copy"), ("previous-sealed-sha256", "hash"), ("sealed-sha256", "hash"),
        ("sealed-size", "count"), ("recipient", "fingerprint"), ("actor", "name"), ("hour", "hour"),
    ),
}
ENTRY_KINDS = {
    1: dict(
        COMMON_KINDS,
        received=(
            ("submission", "count"), ("file", "count"), ("original-sha256", "hash"), ("original-size", "count"),
            ("cleaned-sha256", "hash"), ("cleaned-size", "count"), ("sealed-sha256", "hash"), ("sealed-size", "count"),
            ("media-type", "name"), ("hour", "hour"),
        ),
        **{"original-kept": (("file", "count"), ("original-sha256", "hash"), ("sealed-sha256", "hash"), ("sealed-size", "count"), ("hour", "hour"))}
    ),
    2: dict(
        COMMON_KINDS,
        received=(
            ("submission", "count"), ("file", "count"), ("original-commitment", "hash"), ("cleaned-commitment", "hash"),
            ("sealed-sha256", "hash"), ("sealed-size", "count"), ("media-type", "name"), ("hour", "hour"),
        ),
        **{"original-kept": (("file", "count"), ("original-commitment", "hash"), ("sealed-sha256", "hash"), ("sealed-size", "count"), ("hour", "hour"))}
    ),
}
INT64_MAX = (1 << 63) - 1
LOWER_HEX = frozenset("0123456789abcdef")


def escape_text(text):
    """The canonical escaping of a free-text value."""
    out = []
    for position, character in enumerate(text):
        code = ord(character)
        if character == "\\":
            out.append("\\\\")
        elif character == "\n":
            out.append("\\n")
        elif character == "\r":
            out.append("\\r")
        elif character == "\t":
            out.append("\\t")
        elif character == " " and position == len(text) - 1:
            out.append("\\x20")
        elif code < 0x20 or code == 0x7F:
            out.append("\\x%02x" % code)
        else:
            out.append(character)
    return "".join(out)


def unescape_text(value):
    """Reverses escape_text; None unless value is the canonical escape of some text."""
    out = []
    position = 0
    while position < len(value):
        character = value[position]
        position += 1
        if character != "\\":
            out.append(character)
            continue
        code = value[position : position + 1]
        position += 1
        if code in ("\\", "n", "r", "t"):
            out.append({"\\": "\\", "n": "\n", "r": "\r", "t": "\t"}[code])
        elif code == "x" and len(value) >= position + 2 and all(c in "0123456789abcdefABCDEF" for c in value[position : position + 2]):
            out.append(chr(int(value[position : position + 2], 16)))
            position += 2
        else:
            return None
    text = "".join(out)
    return text if escape_text(text) == value else None


def valid_value(kind, value):
    if kind == "count":
        return value.isdigit() and value.isascii() and str(int(value)) == value and int(value) <= INT64_MAX
    if kind == "hash":
        return len(value) == 64 and set(value) <= LOWER_HEX
    if kind == "hour":
        pattern = "dddd-dd-ddTdd:00Z"
        return len(value) == len(pattern) and all(
            (c in "0123456789") if p == "d" else c == p for c, p in zip(value, pattern)
        )
    if kind == "decision":
        return value in ("approve", "reject")
    if kind == "copy":
        return value in ("cleaned", "original")
    if kind == "fingerprint":
        return value.startswith("sha256:") and len(value) == 39 and set(value[7:]) <= LOWER_HEX
    text = unescape_text(value)
    if text is None:
        return False
    return kind == "text" or text != ""


class Entry:
    """A log entry read from its canonical text: version (1 or 2), kind, and the fields as written."""

    def __init__(self, version, kind, fields):
        self.version = version
        self.kind = kind
        self.fields = fields

    def get(self, name):
        return self.fields.get(name)


def parse_entry(text):
    """Reads an entry; anything a writer of that version would not produce byte for byte is refused."""
    if not text.endswith("\n"):
        raise Failure("the log entry's last line does not end with a line feed")
    lines = text[:-1].split("\n")
    version = ENTRY_HEADERS.get(lines[0])
    if version is None:
        raise Failure("the log entry's first line %r is not a known entry version" % lines[0])
    if len(lines) < 2 or not lines[1].startswith("kind "):
        raise Failure("the log entry's second line is not its kind")
    kind = lines[1][len("kind ") :]
    layout = ENTRY_KINDS[version].get(kind)
    if layout is None:
        raise Failure("the log entry's kind %r is not a v%d kind" % (kind, version))
    if len(lines) != 2 + len(layout):
        raise Failure("the log entry has %d fields, but a v%d %s entry has %d" % (len(lines) - 2, version, kind, len(layout)))
    fields = {}
    for line, (name, value_kind) in zip(lines[2:], layout):
        found, space, value = line.partition(" ")
        if found != name:
            raise Failure("the log entry has %r where a v%d %s entry has %r" % (found, version, kind, name))
        if space and not value:
            raise Failure("the log entry's %s line ends with a space" % name)
        if not valid_value(value_kind, value):
            raise Failure("the log entry's %s %r is not canonical" % (name, value))
        fields[name] = value
    return Entry(version, kind, fields)


def entry_bytes(text):
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("a log entry is not valid Unicode text")


def commitment(kind, opening, sha256):
    """SHA-256("evidence-drop/v2 <kind>-commitment" || 0x0A || opening || sha256), kind original or cleaned."""
    return hashlib.sha256(("evidence-drop/v2 %s-commitment\n" % kind).encode("ascii") + opening + sha256).digest()


def match_file(entry, sha256, opening):
    """How the entry names the file with this SHA-256 (and opening): "sealed", "original" or "cleaned"."""
    wanted = sha256.hex()
    if entry.get("sealed-sha256") == wanted:
        return "sealed"
    if entry.version == 1:
        for copy in ("original", "cleaned"):
            if entry.get(copy + "-sha256") == wanted:
                return copy
        raise Failure("the log entry does not name the SHA-256 %s" % wanted)
    if not any(entry.get(copy + "-commitment") for copy in ("original", "cleaned")):
        raise Failure("the log entry (v2 %s) does not name the SHA-256 %s" % (entry.kind, wanted))
    if opening is None:
        raise Failure(
            "the log entry is v2: it holds commitments, so checking an original or cleaned SHA-256 needs the receipt's opening (--opening)"
        )
    for copy in ("original", "cleaned"):
        if entry.get(copy + "-commitment") == commitment(copy, opening, sha256).hex():
            return copy
    raise Failure("the log entry does not commit to the SHA-256 %s with this opening" % wanted)


def read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise UsageError("cannot read %s: %s" % (path, error))


def read_text(path):
    try:
        return read_bytes(path).decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError("cannot read %s: %s" % (path, error))


def read_json(path):
    try:
        document = json.loads(read_text(path))
    except ValueError as error:
        raise UsageError("%s is not JSON: %s" % (path, error))
    if not isinstance(document, dict):
        raise UsageError("%s is not a JSON object" % path)
    return document


def file_digest(path):
    """(SHA-256, size) of a file, read in blocks."""
    hasher = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            while True:
                block = handle.read(1 << 20)
                if not block:
                    break
                hasher.update(block)
                size += len(block)
    except OSError as error:
        raise UsageError("cannot read %s: %s" % (path, error))
    return hasher.digest(), size


def field(document, name, kind, what="the proof"):
    value = document.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise UsageError('%s has no valid "%s" field' % (what, name))
    return value


def hex_value(text, what, length=HASH_LENGTH):
    """Bytes from hex digits (either case), exactly length bytes."""
    try:
        value = bytes.fromhex(text) if isinstance(text, str) and text.isascii() else None
    except ValueError:
        value = None
    if value is None or len(value) != length or len(text) != 2 * length:
        raise UsageError("%s is not %d hex digits" % (what, 2 * length))
    return value


def hex_field(document, name, what, optional=False):
    value = document.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise UsageError('%s has no valid "%s" field' % (what, name))
    return hex_value(value, '%s\'s "%s"' % (what, name))


def hashes(document, name):
    values = field(document, name, list)
    result = []
    for value in values:
        if not isinstance(value, str):
            raise UsageError('"%s" must be a list of hex strings' % name)
        try:
            digest = bytes.fromhex(value)
        except ValueError:
            raise UsageError('"%s" holds %r, which is not hex' % (name, value))
        if len(digest) != HASH_LENGTH:
            raise Failure('"%s" holds a hash that is not 32 bytes' % name)
        result.append(digest)
    return result


def proven_leaf(document):
    """(leaf hash, parsed entry or None) from "entry" or "leaf_hash"."""
    entry = document.get("entry")
    given = document.get("leaf_hash")
    if entry is None and given is None:
        raise UsageError('the proof needs "entry" (the log entry text) or "leaf_hash"')
    leaf = None
    if given is not None:
        try:
            leaf = bytes.fromhex(field(document, "leaf_hash", str))
        except ValueError:
            raise UsageError('"leaf_hash" is not hex')
    parsed = None
    if entry is not None:
        computed = leaf_hash(entry_bytes(field(document, "entry", str)))
        if leaf is not None and leaf != computed:
            raise Failure("leaf_hash is not the hash of the entry")
        leaf = computed
        parsed = parse_entry(entry)
    return leaf, parsed


def proven_entry(document, verifier):
    """Checks an inclusion proof against its signed checkpoint; returns (index, size, parsed entry or None, checkpoint)."""
    index = field(document, "leaf_index", int)
    size = field(document, "tree_size", int)
    path = hashes(document, "audit_path")
    leaf, entry = proven_leaf(document)
    checkpoint = verify_checkpoint(field(document, "checkpoint", str), verifier)
    _, checkpoint_size, root = checkpoint
    if checkpoint_size != size:
        raise Failure("the checkpoint is for %d entries but the proof for %d" % (checkpoint_size, size))
    if index < 0 or not verify_inclusion(leaf, index, size, path, root):
        raise Failure("the audit path does not lead from entry %d to the checkpoint's root" % index)
    return index, size, entry, checkpoint


def check_checkpoint(options, verifier):
    origin, size, root = verify_checkpoint(read_text(options.file), verifier)
    print("ok: checkpoint of %s signed by %s: %d entries, root %s" % (origin, verifier[0], size, root.hex()))


def check_inclusion(options, verifier):
    document = read_json(options.file)
    sha256 = options.sha256
    if sha256 is None and document.get("sha256") is not None:
        sha256 = hex_field(document, "sha256", "the proof")
    opening = options.opening
    if opening is None and document.get("opening") is not None:
        opening = hex_field(document, "opening", "the proof")
    index, size, entry, _ = proven_entry(document, verifier)
    if sha256 is None:
        print("ok: entry %d is in the log of %d entries" % (index, size))
        return
    if entry is None:
        raise UsageError('checking a SHA-256 needs the log entry in "entry"')
    copy = match_file(entry, sha256, opening)
    print("ok: entry %d is in the log of %d entries and names %s as the %s file's SHA-256" % (index, size, sha256.hex(), copy))


def check_consistency(options, verifier):
    document = read_json(options.file)
    first = field(document, "from", int)
    second = field(document, "to", int)
    path = hashes(document, "proof")
    _, old_size, old_root = verify_checkpoint(field(document, "old_checkpoint", str), verifier)
    _, new_size, new_root = verify_checkpoint(field(document, "new_checkpoint", str), verifier)
    if (old_size, new_size) != (first, second):
        raise Failure("the checkpoints are for %d and %d entries but the proof for %d and %d" % (old_size, new_size, first, second))
    if first < 0 or not verify_consistency(first, second, old_root, new_root, path):
        raise Failure("the log of %d entries is not a prefix of the log of %d entries" % (first, second))
    print("ok: the log of %d entries is a prefix of the log of %d entries" % (first, second))


def check_received(entry, file_id, opening, original, cleaned, what):
    """Checks that a "received" entry is about this file and names its original and cleaned SHA-256 values (each
    (digest, size) or None): v2 through the commitments with the opening, v1 as plain hashes and sizes."""
    if entry.kind != "received":
        raise Failure("%s: the proven entry is a %s entry, not the file's received entry" % (what, entry.kind))
    if file_id is not None and entry.get("file") != str(file_id):
        raise Failure("%s: the proven entry is about file %s, not file %s" % (what, entry.get("file"), file_id))
    for copy, facts in (("original", original), ("cleaned", cleaned)):
        if facts is None:
            continue
        digest, size = facts
        if entry.version == 1:
            if entry.get(copy + "-sha256") != digest.hex():
                raise Failure("%s: the v1 log entry's %s-sha256 is not %s" % (what, copy, digest.hex()))
            if size is not None and entry.get(copy + "-size") != str(size):
                raise Failure("%s: the v1 log entry's %s-size is not %d" % (what, copy, size))
        else:
            if opening is None:
                raise Failure("%s: the log entry is v2, and checking it needs the file's opening, which is missing" % what)
            if entry.get(copy + "-commitment") != commitment(copy, opening, digest).hex():
                raise Failure("%s: the log entry's %s-commitment is not that of SHA-256 %s with this opening" % (what, copy, digest.hex()))


def check_receipt(options, verifier):
    if len(options.files) < 2:
        raise UsageError("give the receipt and at least one proof (from /log/proof?sha256=...&opening=...)")
    receipt_path = options.files[0]
    receipt = read_json(receipt_path)
    if receipt.get("checkpoint") is None:
        raise Failure("the receipt carries no checkpoint: check each file with the inclusion command and its opening")
    origin, receipt_size, receipt_root = verify_checkpoint(field(receipt, "checkpoint", str, "the receipt"), verifier)
    print("ok: the receipt's checkpoint of %s is signed by %s: %d entries" % (origin, verifier[0], receipt_size))
    files = {}
    for number, item in enumerate(field(receipt, "files", list, "the receipt"), 1):
        what = "receipt file %d" % number
        if not isinstance(item, dict):
            raise UsageError("%s is not a JSON object" % what)
        index = field(item, "logIndex", int, what)
        if index in files:
            raise UsageError("the receipt names log entry %d twice" % index)
        if not 0 <= index < receipt_size:
            raise Failure("the receipt's checkpoint (%d entries) does not cover log entry %d of %s" % (receipt_size, index, what))
        files[index] = {
            "number": number,
            "type": item.get("type"),
            "opening": hex_field(item, "opening", what, optional=True),
            "original": (hex_field(item, "originalSHA256", what), field(item, "originalSize", int, what)),
            "cleaned": (hex_field(item, "cleanedSHA256", what), field(item, "cleanedSize", int, what)),
        }
    proven = set()
    for path in options.files[1:]:
        document = read_json(path)
        try:
            index, size, entry, (proof_origin, _, proof_root) = proven_entry(document, verifier)
            if entry is None:
                raise UsageError('the proof has no "entry": fetch it from /log/proof?sha256=...&opening=... or ?index=N')
            if index not in files:
                raise Failure("the proof is for log entry %d, which is not a file on this receipt" % index)
            if proof_origin != origin:
                raise Failure("the proof's checkpoint is of %s, the receipt's of %s" % (proof_origin, origin))
            if size == receipt_size and proof_root != receipt_root:
                raise Failure("the proof's checkpoint and the receipt's have %d entries but different roots: the log forked" % size)
            item = files[index]
            check_received(entry, None, item["opening"], item["original"], item["cleaned"], "receipt file %d" % item["number"])
        except Failure as failure:
            raise Failure("%s: %s" % (path, failure))
        proven.add(index)
        how = "commitments" if entry.version == 2 else "hashes and sizes (a v1 entry)"
        print(
            "ok: receipt file %d (%s) is log entry %d, in the log of %d entries; its original and cleaned SHA-256 match the entry's %s"
            % (item["number"], item["type"], index, size, how)
        )
    for path in options.paths or []:
        digest, _ = file_digest(path)
        matches = [(index, copy) for index, item in sorted(files.items()) for copy in ("original", "cleaned") if item[copy][0] == digest]
        if not matches:
            raise Failure("%s (SHA-256 %s) is neither the original nor the cleaned copy of a file on this receipt" % (path, digest.hex()))
        proved = [(index, copy) for index, copy in matches if index in proven]
        if not proved:
            raise Failure("%s is on the receipt as log entry %d, but no proof of that entry was given" % (path, matches[0][0]))
        index, copy = proved[0]
        print("ok: %s is the %s copy of receipt file %d (log entry %d)" % (path, copy, files[index]["number"], index))


MANIFEST_LINE_LENGTH = 66


def read_manifest(folder):
    """{name: SHA-256} from folder/manifest.sha256 (sha256sum format), or {} when there is none."""
    path = os.path.join(folder, "manifest.sha256")
    if not os.path.exists(path):
        return {}
    manifest = {}
    for number, line in enumerate(read_text(path).split("\n"), 1):
        if not line:
            continue
        if len(line) <= MANIFEST_LINE_LENGTH or line[64] != " " or line[65] not in " *":
            raise UsageError("%s line %d is not a sha256sum line" % (path, number))
        manifest[line[MANIFEST_LINE_LENGTH:]] = hex_value(line[:64], "%s line %d" % (path, number))
    return manifest


def custody_entries(custody, what):
    """[(index, leaf hash, Entry)] from a custody file's entries, each leaf hash checked against its entry."""
    entries = []
    for item in custody:
        if not isinstance(item, dict):
            raise UsageError("%s: an entry of the custody trail is not a JSON object" % what)
        index = item.get("index")
        if isinstance(index, str) and index.isdigit() and index.isascii() and str(int(index)) == index:
            index = int(index)
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise UsageError('%s: a custody entry has no valid "index"' % what)
        text = field(item, "entry", str, "%s: custody entry %d" % (what, index))
        given = hex_field(item, "leaf_hash", "%s: custody entry %d" % (what, index))
        if leaf_hash(entry_bytes(text)) != given:
            raise Failure("%s: custody entry %d's leaf_hash is not the hash of its entry" % (what, index))
        try:
            entry = parse_entry(text)
        except Failure as failure:
            raise Failure("%s: custody entry %d: %s" % (what, index, failure))
        entries.append((index, given, entry))
    return entries


def exported_files(folder, number, manifest):
    """(cleaned copy's name or None, original's name or None) exported as file `number` in folder."""
    prefix = "%s." % number
    original_prefix = "%s.original." % number
    names = [name for name in manifest if name.startswith(prefix)]
    if not names:
        names = [
            name for name in os.listdir(folder)
            if name.startswith(prefix) and not name.endswith(".json") and os.path.isfile(os.path.join(folder, name))
        ]
    cleaned = [name for name in names if not name.startswith(original_prefix) and name.count(".") == 1]
    original = [name for name in names if name.startswith(original_prefix) and name.count(".") == 2]
    if len(cleaned) > 1 or len(original) > 1:
        raise UsageError("%s holds more than one exported file for file %s: %s" % (folder, number, ", ".join(sorted(cleaned + original))))
    return (cleaned[0] if cleaned else None), (original[0] if original else None)


def check_exported_file(folder, name, manifest, expected, copy, what):
    """Hashes an exported file; it must match its manifest line and the custody's SHA-256 and size."""
    digest, size = file_digest(os.path.join(folder, name))
    if name in manifest and manifest[name] != digest:
        raise Failure("%s: %s does not match its line in manifest.sha256" % (what, name))
    sha256, expected_size = expected
    if sha256 is not None and sha256 != digest:
        raise Failure("%s: %s has SHA-256 %s, but the custody file says the %s file's is %s" % (what, name, digest.hex(), copy, sha256.hex()))
    if expected_size is not None and expected_size != size:
        raise Failure("%s: %s is %d bytes, but the custody file says the %s file is %d" % (what, name, size, copy, expected_size))
    return digest, size


def check_export_file(folder, number, manifest, verifier):
    """Checks file `number` of an export folder; returns the line to print."""
    what = os.path.join(folder, "%s.proof.json" % number)
    custody_path = os.path.join(folder, "%s.custody.json" % number)
    if not os.path.exists(custody_path):
        raise Failure("%s has no %s.custody.json beside it" % (what, number))
    try:
        custody = json.loads(read_text(custody_path))
    except ValueError as error:
        raise UsageError("%s is not JSON: %s" % (custody_path, error))
    custody_what = custody_path
    if isinstance(custody, list):
        # An export written before the upgrade: the entries only; the facts come from the log entry (v1).
        opening, original, cleaned, trail = None, (None, None), (None, None), custody
    elif isinstance(custody, dict):
        if field(custody, "file", int, custody_what) != number:
            raise Failure("%s is about file %d, not file %d" % (custody_what, custody["file"], number))
        opening = hex_field(custody, "opening", custody_what, optional=True)
        original = (hex_field(custody, "original_sha256", custody_what), field(custody, "original_size", int, custody_what))
        cleaned = (hex_field(custody, "cleaned_sha256", custody_what), field(custody, "cleaned_size", int, custody_what))
        trail = field(custody, "entries", list, custody_what)
    else:
        raise UsageError("%s is neither a JSON object nor a list" % custody_path)
    entries = custody_entries(trail, custody_what)
    for index, _, entry in entries:
        if entry.get("file") != str(number):
            raise Failure("%s: custody entry %d is about file %s, not file %d" % (custody_what, index, entry.get("file"), number))

    document = read_json(what)
    try:
        index, size, entry, _ = proven_entry(document, verifier)
    except Failure as failure:
        raise Failure("%s: %s" % (what, failure))
    if entry is None:
        raise UsageError('%s has no "entry"' % what)
    if not any(i == index and leaf == leaf_hash(entry_bytes(document["entry"])) for i, leaf, _ in entries):
        raise Failure("%s: the custody trail does not hold the proven entry %d" % (custody_what, index))

    cleaned_name, original_name = exported_files(folder, str(number), manifest)
    if cleaned_name is None and original_name is None:
        raise Failure("%s: no exported file %d.<ext> beside it" % (what, number))
    checked = []
    if cleaned_name is not None:
        cleaned = check_exported_file(folder, cleaned_name, manifest, cleaned, "cleaned", what)
        checked.append("%s (SHA-256 %s) is the cleaned file" % (cleaned_name, cleaned[0].hex()))
    if original_name is not None:
        original = check_exported_file(folder, original_name, manifest, original, "original", what)
        checked.append("%s is the original" % original_name)
    check_received(
        entry, number, opening,
        original if original[0] is not None else None,
        cleaned if cleaned[0] is not None else None,
        what,
    )
    return "ok: %s of log entry %d (v%d), in the log of %d entries; %d custody entries match their leaf hashes" % (
        " and ".join(checked), index, entry.version, size, len(entries))


def check_export(options, verifier):
    top = options.files[0]
    if not os.path.isdir(top):
        raise UsageError("%s is not a folder: give the folder written by evidence-review export" % top)
    count = 0
    for folder, subfolders, names in os.walk(top):
        subfolders.sort()
        proofs = sorted(int(name[: -len(".proof.json")]) for name in names
                        if name.endswith(".proof.json") and name[: -len(".proof.json")].isdigit())
        if not proofs:
            continue
        manifest = read_manifest(folder)
        for number in proofs:
            print(check_export_file(folder, number, manifest, verifier))
            count += 1
    if count == 0:
        raise UsageError("%s holds no N.proof.json: is it a folder written by evidence-review export?" % top)
    print("ok: %d exported file%s checked" % (count, "" if count == 1 else "s"))


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def run(arguments):
    parser = Parser(prog="verify_log.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.required = True
    for name, function, what, each in (
        ("checkpoint", check_checkpoint, "a signed checkpoint file", True),
        ("inclusion", check_inclusion, "an inclusion proof JSON file", True),
        ("consistency", check_consistency, "a consistency proof JSON file", True),
        ("receipt", check_receipt, "the receipt JSON, then the inclusion proof of each file to check", False),
        ("export", check_export, "the export folder", False),
    ):
        command = commands.add_parser(name)
        command.add_argument("--key", required=True, help="the log's verifier key, as served at /log/key")
        metavar = {"receipt": "JSON", "export": "DIR"}.get(name, "file")
        command.add_argument("files", nargs=1 if name == "export" else "+", metavar=metavar, help=what + (" (one or more)" if each else ""))
        command.set_defaults(function=function, each=each, file=None)
        if name == "inclusion":
            named = command.add_mutually_exclusive_group()
            named.add_argument("--sha256", metavar="HEX", help="the file's SHA-256 (original, cleaned or sealed) that the entry must name")
            named.add_argument("--file", dest="hashed", metavar="PATH", help="a file whose SHA-256 the entry must name")
            command.add_argument("--opening", metavar="HEX", help="the file's opening from the receipt (64 hex digits), for a v2 entry")
        if name == "receipt":
            command.add_argument(
                "--file", dest="paths", action="extend", nargs="+", metavar="PATH",
                help="files that must be the original or cleaned copy of a file proven on the receipt")
    options = parser.parse_args(arguments)
    verifier = parse_verifier_key(options.key)
    if options.command == "inclusion":
        if options.sha256 is not None:
            options.sha256 = hex_value(options.sha256, "--sha256")
        elif options.hashed is not None:
            options.sha256 = file_digest(options.hashed)[0]
        if options.opening is not None:
            options.opening = hex_value(options.opening, "--opening")
    if not options.each:
        options.function(options, verifier)
        return
    for path in options.files:
        options.file = path
        try:
            options.function(options, verifier)
        except Failure as failure:
            if len(options.files) == 1:
                raise
            raise Failure("%s: %s" % (path, failure))


def main():
    try:
        run(sys.argv[1:])
    except Failure as failure:
        print("error: %s" % failure, file=sys.stderr)
        sys.exit(1)
    except UsageError as error:
        print("error: %s" % error, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
