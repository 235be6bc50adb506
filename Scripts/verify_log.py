#!/usr/bin/env python3
"""Verify evidence-drop transparency-log checkpoints and proofs.

An independent implementation of docs/TRANSPARENCY-LOG.md, so anyone can check
the log without the evidence-drop program. Needs only Python 3 and the
`cryptography` package (version 38 or newer).

    verify_log.py checkpoint  --key KEY CHECKPOINT...
    verify_log.py inclusion   --key KEY PROOF.json...
    verify_log.py consistency --key KEY PROOF.json...

Each command checks every file it is given and stops at the first that fails.

KEY is the log's verifier key as served at /log/key, "name+keyid+base64".
CHECKPOINT is a signed checkpoint as served at /log/checkpoint.
An inclusion proof is the JSON served at /log/proof: leaf_index, tree_size,
audit_path (hex hashes), checkpoint (signed note text), and either the log
entry ("entry", its text) or its leaf hash ("leaf_hash", hex); with "sha256"
the entry must also name that SHA-256 as the file's original, cleaned or
sealed hash. A consistency proof is the JSON served at /log/consistency:
from, to, proof (hex hashes), old_checkpoint, new_checkpoint.

Exit status: 0 verified, 1 a check failed (the reason is printed), 2 usage or input error.
"""

import argparse
import base64
import binascii
import hashlib
import json
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


def read_text(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError("cannot read %s: %s" % (path, error))


def read_json(path):
    try:
        document = json.loads(read_text(path))
    except ValueError as error:
        raise UsageError("%s is not JSON: %s" % (path, error))
    if not isinstance(document, dict):
        raise UsageError("%s is not a JSON object" % path)
    return document


def field(document, name, kind):
    value = document.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise UsageError('the proof has no valid "%s" field' % name)
    return value


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
    """The leaf hash from "entry" or "leaf_hash", checked against "sha256" when given."""
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
    if entry is not None:
        computed = leaf_hash(field(document, "entry", str).encode("utf-8"))
        if leaf is not None and leaf != computed:
            raise Failure("leaf_hash is not the hash of the entry")
        leaf = computed
    sha256 = document.get("sha256")
    if sha256 is not None:
        if entry is None:
            raise UsageError('checking "sha256" needs the log entry in "entry"')
        wanted = field(document, "sha256", str).lower()
        names = ("original-sha256 ", "cleaned-sha256 ", "sealed-sha256 ")
        if not any(line == name + wanted for line in entry.split("\n") for name in names):
            raise Failure("the log entry does not name the SHA-256 %s" % wanted)
    return leaf


def check_checkpoint(options, verifier):
    origin, size, root = verify_checkpoint(read_text(options.file), verifier)
    print("ok: checkpoint of %s signed by %s: %d entries, root %s" % (origin, verifier[0], size, root.hex()))


def check_inclusion(options, verifier):
    document = read_json(options.file)
    index = field(document, "leaf_index", int)
    size = field(document, "tree_size", int)
    path = hashes(document, "audit_path")
    leaf = proven_leaf(document)
    _, checkpoint_size, root = verify_checkpoint(field(document, "checkpoint", str), verifier)
    if checkpoint_size != size:
        raise Failure("the checkpoint is for %d entries but the proof for %d" % (checkpoint_size, size))
    if index < 0 or not verify_inclusion(leaf, index, size, path, root):
        raise Failure("the audit path does not lead from entry %d to the checkpoint's root" % index)
    print("ok: entry %d is in the log of %d entries" % (index, size))


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


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def run(arguments):
    parser = Parser(prog="verify_log.py", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command")
    commands.required = True
    for name, function, what in (
        ("checkpoint", check_checkpoint, "a signed checkpoint file"),
        ("inclusion", check_inclusion, "an inclusion proof JSON file"),
        ("consistency", check_consistency, "a consistency proof JSON file"),
    ):
        command = commands.add_parser(name)
        command.add_argument("--key", required=True, help="the log's verifier key, as served at /log/key")
        command.add_argument("files", nargs="+", metavar="file", help=what + " (one or more)")
        command.set_defaults(function=function)
    options = parser.parse_args(arguments)
    verifier = parse_verifier_key(options.key)
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
