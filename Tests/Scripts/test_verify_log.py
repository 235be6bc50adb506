"""Tests of Scripts/verify_log.py against logs, receipts and exports built here from docs/TRANSPARENCY-LOG.md alone.

Independent of the Swift code: entries, the Merkle tree, checkpoints, proofs, receipts and export folders are
written by this file, and the script is run as a user would run it. Needs Python 3 and `cryptography`.

    python3 -m unittest discover -s Tests/Scripts        (from the repository root)
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPOSITORY, "Scripts", "verify_log.py")
DOC = os.path.join(REPOSITORY, "docs", "TRANSPARENCY-LOG.md")
KEY_NAME = "evidence.example/log"


def sha256(data):
    return hashlib.sha256(data).digest()


def commitment(kind, opening, digest):
    return sha256(b"evidence-drop/v2 " + kind.encode() + b"-commitment\n" + opening + digest)


# Entries, written as docs/TRANSPARENCY-LOG.md says.

def entry(version, kind, *fields):
    lines = ["evidence-drop log entry v%d" % version, "kind " + kind]
    lines += [name if value == "" else "%s %s" % (name, value) for name, value in fields]
    return "\n".join(lines) + "\n"


def received_v1(submission, file, original, cleaned, sealed, sealed_size, media_type="image/jpeg", hour="2026-11-25T09:00Z"):
    return entry(
        1, "received", ("submission", submission), ("file", file),
        ("original-sha256", sha256(original).hex()), ("original-size", len(original)),
        ("cleaned-sha256", sha256(cleaned).hex()), ("cleaned-size", len(cleaned)),
        ("sealed-sha256", sealed.hex()), ("sealed-size", sealed_size), ("media-type", media_type), ("hour", hour))


def received_v2(submission, file, opening, original, cleaned, sealed, sealed_size, media_type="image/jpeg", hour="2026-11-25T10:00Z"):
    return entry(
        2, "received", ("submission", submission), ("file", file),
        ("original-commitment", commitment("original", opening, sha256(original)).hex()),
        ("cleaned-commitment", commitment("cleaned", opening, sha256(cleaned)).hex()),
        ("sealed-sha256", sealed.hex()), ("sealed-size", sealed_size), ("media-type", media_type), ("hour", hour))


# The Merkle tree of RFC 9162 section 2.1.

def leaf_hash(text):
    return sha256(b"\x00" + text.encode("utf-8"))


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves):
    if len(leaves) == 0:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = split(len(leaves))
    return sha256(b"\x01" + root(leaves[:k]) + root(leaves[k:]))


def audit_path(m, leaves):
    if len(leaves) <= 1:
        return []
    k = split(len(leaves))
    if m < k:
        return audit_path(m, leaves[:k]) + [root(leaves[k:])]
    return audit_path(m - k, leaves[k:]) + [root(leaves[:k])]


class Log:
    """Entries, a signing key and the checkpoints and proofs of any prefix."""

    def __init__(self, entries, key=None):
        self.entries = entries
        self.key = key or Ed25519PrivateKey.generate()

    @property
    def verifier_key(self):
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = sha256(KEY_NAME.encode() + b"\n\x01" + public)[:4]
        return "%s+%s+%s" % (KEY_NAME, key_id.hex(), base64.b64encode(b"\x01" + public).decode())

    def checkpoint(self, size):
        leaves = [leaf_hash(e) for e in self.entries[:size]]
        body = "%s\n%d\n%s\n" % (KEY_NAME, size, base64.b64encode(root(leaves)).decode())
        public = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = sha256(KEY_NAME.encode() + b"\n\x01" + public)[:4]
        signature = self.key.sign(body.encode())
        return body + "\n\u2014 %s %s\n" % (KEY_NAME, base64.b64encode(key_id + signature).decode())

    def proof(self, index, size=None, public=True, **extra):
        size = len(self.entries) if size is None else size
        leaves = [leaf_hash(e) for e in self.entries[:size]]
        document = {
            "leaf_index": index, "tree_size": size, "leaf_hash": leaves[index].hex(),
            "audit_path": [h.hex() for h in audit_path(index, leaves)], "checkpoint": self.checkpoint(size),
        }
        if public:
            document["entry"] = self.entries[index]
        document.update(extra)
        return document


# The world of these tests: file 1 received before the upgrade (v1), files 2 and 3 after it (v2).

ORIGINAL_1, CLEANED_1 = b"\xff\xd8 original one with Exif", b"\xff\xd8 cleaned one"
ORIGINAL_2, CLEANED_2 = b"\xff\xd8 original two, GPS 43.2N 76.9E", b"\xff\xd8 cleaned two"
ORIGINAL_3, CLEANED_3 = b"\x89PNG original three", b"\x89PNG cleaned three"
OPENING_2, OPENING_3 = sha256(b"opening two"), sha256(b"opening three")
SEALED = [sha256(b"sealed %d" % n) for n in range(6)]
ENTRIES = [
    received_v1(1, 1, ORIGINAL_1, CLEANED_1, SEALED[1], 277),
    entry(1, "reviewed", ("file", 1), ("decision", "reject"), ("reason", "face visible\\nsecond line"), ("actor", "Ainur"),
          ("hour", "2026-11-25T09:00Z")),
    received_v2(2, 2, OPENING_2, ORIGINAL_2, CLEANED_2, SEALED[2], 215),
    entry(2, "original-kept", ("file", 2), ("original-commitment", commitment("original", OPENING_2, sha256(ORIGINAL_2)).hex()),
          ("sealed-sha256", SEALED[4].hex()), ("sealed-size", 231), ("hour", "2026-11-25T10:00Z")),
    received_v2(2, 3, OPENING_3, ORIGINAL_3, CLEANED_3, SEALED[3], 199, media_type="image/png"),
    entry(2, "exported", ("file", 2), ("actor", "alice [sha256:79927dd4b103092dc735e83eda53a5f7]"), ("hour", "2026-11-25T11:00Z")),
    entry(2, "note", ("file", 3), ("note-sha256", sha256(b"a note").hex()), ("actor", "bob"), ("hour", "2026-11-25T11:00Z")),
    entry(2, "granted", ("file", 2), ("copy", "cleaned"), ("previous-sealed-sha256", SEALED[2].hex()),
          ("sealed-sha256", SEALED[5].hex()), ("sealed-size", 314), ("recipient", "sha256:79927dd4b103092dc735e83eda53a5f7"),
          ("actor", "alice"), ("hour", "2026-11-25T12:00Z")),
    entry(2, "exported", ("file", 1), ("actor", "alice"), ("hour", "2026-11-25T12:00Z")),
    entry(2, "deleted", ("file", 3), ("reason", ""), ("actor", "server"), ("hour", "2026-11-26T12:00Z")),
]


def receipt_file(type_name, original, cleaned, log_index, opening=None):
    item = {
        "type": "image/jpeg", "typeName": type_name, "originalSize": len(original), "cleanedSize": len(cleaned),
        "originalSHA256": sha256(original).hex(), "cleanedSHA256": sha256(cleaned).hex(),
        "removed": [{"what": "Exif", "bytes": 12}], "added": [], "warning": None, "logIndex": log_index, "originalKept": False,
    }
    if opening is not None:
        item["opening"] = opening.hex()
    return item


class VerifyLogTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="verify-log-test-")
        self.log = Log(ENTRIES)
        self.count = 0

    def tearDown(self):
        shutil.rmtree(self.folder)

    def write(self, content, name=None):
        self.count += 1
        path = os.path.join(self.folder, name or "input-%d" % self.count)
        with open(path, "wb") as handle:
            handle.write(content if isinstance(content, bytes) else
                         (content if isinstance(content, str) else json.dumps(content)).encode("utf-8"))
        return path

    def run_script(self, *arguments, key=None):
        result = subprocess.run(
            [sys.executable, SCRIPT, arguments[0], "--key", key or self.log.verifier_key] + list(arguments[1:]),
            capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    def passes(self, *arguments, key=None):
        status, out, err = self.run_script(*arguments, key=key)
        self.assertEqual(status, 0, out + err)
        self.assertEqual(err, "")
        return out

    def fails(self, message, *arguments, key=None, status=1):
        code, out, err = self.run_script(*arguments, key=key)
        self.assertEqual(code, status, out + err)
        self.assertTrue(err.startswith("error: ") and err.count("\n") == 1, err)
        self.assertIn(message, err)
        return err

    # The commitment and the documented test vector.

    def test_commitment_vector_matches_the_doc(self):
        opening = sha256(b"evidence-drop test vector opening")
        empty = sha256(b"")
        self.assertEqual(empty.hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        original = commitment("original", opening, empty).hex()
        cleaned = commitment("cleaned", opening, empty).hex()
        with open(DOC, encoding="utf-8") as handle:
            doc = handle.read()
        for value in (opening.hex(), original, cleaned):
            self.assertIn(value, doc)
        self.assertIn("65766964656e63652d64726f702f7632206f726967696e616c2d636f6d6d69746d656e740a", doc)
        # The doc's example entry and its leaf hash.
        start = doc.index("```\nevidence-drop log entry v2\nkind received\n") + 4
        example = doc[start : doc.index("```", start)]
        self.assertIn("original-commitment %s\n" % original, example)
        self.assertIn("cleaned-commitment %s\n" % cleaned, example)
        self.assertIn(leaf_hash(example).hex(), doc)
        # The script computes the same values.
        import importlib.util
        spec = importlib.util.spec_from_file_location("verify_log", SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.dont_write_bytecode = True  # no Scripts/__pycache__ left in the checkout
        spec.loader.exec_module(module)
        self.assertEqual(module.commitment("original", opening, empty).hex(), original)
        self.assertEqual(module.commitment("cleaned", opening, empty).hex(), cleaned)
        self.passes("inclusion", self.write(Log([example], self.log.key).proof(0)),
                    "--sha256", empty.hex(), "--opening", opening.hex())

    # inclusion

    def test_every_entry_proves_by_index(self):
        for index in range(len(ENTRIES)):
            for size in (index + 1, len(ENTRIES)):
                self.passes("inclusion", self.write(self.log.proof(index, size)))
                self.passes("inclusion", self.write(self.log.proof(index, size, public=False)))

    def test_v2_hash_with_its_opening_proves(self):
        out = self.passes("inclusion", self.write(self.log.proof(2)), "--sha256", sha256(CLEANED_2).hex(), "--opening", OPENING_2.hex())
        self.assertIn("as the cleaned file's SHA-256", out)
        out = self.passes("inclusion", self.write(self.log.proof(2)), "--file", self.write(ORIGINAL_2), "--opening", OPENING_2.hex())
        self.assertIn("as the original file's SHA-256", out)
        # The original-kept entry commits to the original too.
        self.passes("inclusion", self.write(self.log.proof(3)), "--file", self.write(ORIGINAL_2), "--opening", OPENING_2.hex())
        # From the proof JSON, as /log/proof?sha256=...&opening=... serves it; upper case hex is read too.
        served = self.log.proof(4, sha256=sha256(ORIGINAL_3).hex(), opening=OPENING_3.hex())
        self.passes("inclusion", self.write(served))
        self.passes("inclusion", self.write(self.log.proof(4)), "--sha256", sha256(CLEANED_3).hex().upper(), "--opening", OPENING_3.hex().upper())
        # Options take precedence over the JSON, field by field.
        self.passes("inclusion", self.write(served), "--file", self.write(CLEANED_3))

    def test_v2_hash_without_opening_fails(self):
        for data in (ORIGINAL_2, CLEANED_2):
            self.fails("needs the receipt's opening", "inclusion", self.write(self.log.proof(2)), "--sha256", sha256(data).hex())
            self.fails("needs the receipt's opening", "inclusion", self.write(self.log.proof(2, sha256=sha256(data).hex())))
        self.fails("needs the receipt's opening", "inclusion", self.write(self.log.proof(3)), "--file", self.write(ORIGINAL_2))

    def test_v2_wrong_opening_or_file_fails(self):
        for opening in (OPENING_3, sha256(b"guess"), bytes(32)):
            self.fails("does not commit to the SHA-256", "inclusion", self.write(self.log.proof(2)),
                       "--sha256", sha256(CLEANED_2).hex(), "--opening", opening.hex())
        self.fails("does not commit to the SHA-256", "inclusion", self.write(self.log.proof(2)),
                   "--file", self.write(CLEANED_3), "--opening", OPENING_2.hex())
        # The opening of another file's proof JSON does not carry over.
        self.fails("does not commit", "inclusion", self.write(self.log.proof(2, opening=OPENING_3.hex())), "--file", self.write(CLEANED_2))

    def test_sealed_hash_alone_proves_in_both_versions(self):
        self.passes("inclusion", self.write(self.log.proof(2)), "--sha256", SEALED[2].hex())
        self.passes("inclusion", self.write(self.log.proof(0)), "--sha256", SEALED[1].hex())
        out = self.passes("inclusion", self.write(self.log.proof(3, sha256=SEALED[4].hex())))
        self.assertIn("as the sealed file's SHA-256", out)

    def test_v1_plain_hashes_still_prove(self):
        self.passes("inclusion", self.write(self.log.proof(0)), "--file", self.write(ORIGINAL_1))
        self.passes("inclusion", self.write(self.log.proof(0, sha256=sha256(CLEANED_1).hex())))
        self.fails("does not name the SHA-256", "inclusion", self.write(self.log.proof(0)), "--file", self.write(CLEANED_2))

    def test_tampered_entry_fails(self):
        for index in (0, 2, 3):
            tampered = self.log.proof(index)
            tampered["entry"] = tampered["entry"].replace("T10:00Z", "T11:00Z").replace("T09:00Z", "T08:00Z")
            self.fails("leaf_hash is not the hash of the entry", "inclusion", self.write(tampered))
            del tampered["leaf_hash"]
            self.fails("audit path does not lead", "inclusion", self.write(tampered))

    def test_entries_not_in_canonical_form_fail(self):
        good = ENTRIES[2]
        for bad in (
            good.replace("sealed-size 215", "sealed-size 0215"),
            good.replace("sealed-size 215", "sealed-size +215"),
            good.replace("hour 2026-11-25T10:00Z", "hour 2026-11-25T10:30Z"),
            good.replace("evidence-drop log entry v2", "evidence-drop log entry v3"),
            good.replace("evidence-drop log entry v2", "evidence-drop log entry v1"),
            good.replace("original-commitment ", "original-sha256 "),
            good.replace("sealed-sha256 " + SEALED[2].hex(), "sealed-sha256 " + SEALED[2].hex().upper()),
            good.replace("media-type image/jpeg", "media-type image/jpeg "),
            good.replace("media-type image/jpeg", "media-type image\\x2fjpeg"),
            good.replace("media-type image/jpeg", "media-type"),
            good[:-1],
            good + "extra 1\n",
            good.replace("\n", "\r\n"),
            ENTRIES[0].replace("original-size ", "original-size -"),
        ):
            proof = Log([bad], self.log.key).proof(0)
            self.fails("log entry", "inclusion", self.write(proof))

    def test_tampered_audit_path_fails(self):
        proof = self.log.proof(4)
        proof["audit_path"][1] = sha256(b"other").hex()
        self.fails("audit path does not lead from entry 4", "inclusion", self.write(proof))
        proof = self.log.proof(4)
        proof["leaf_index"] = 5
        self.fails("audit path does not lead", "inclusion", self.write(proof))

    def test_wrong_key_fails(self):
        other = Log(ENTRIES).verifier_key
        self.fails("no signature by the key", "inclusion", self.write(self.log.proof(2)), key=other)
        forged = Log(ENTRIES, Ed25519PrivateKey.generate())
        self.fails("no signature by the key", "inclusion", self.write(forged.proof(2)))

    def test_usage_errors_exit_two(self):
        proof = self.write(self.log.proof(2))
        self.fails("--opening is not 64 hex digits", "inclusion", proof, "--sha256", sha256(CLEANED_2).hex(), "--opening", "abc", status=2)
        self.fails("--sha256 is not 64 hex digits", "inclusion", proof, "--sha256", "xyz", status=2)
        self.fails("not allowed with", "inclusion", proof, "--sha256", SEALED[2].hex(), "--file", proof, status=2)
        self.fails("needs the log entry", "inclusion", self.write(self.log.proof(2, public=False)), "--sha256", SEALED[2].hex(), status=2)
        self.fails("cannot read", "inclusion", proof, "--file", os.path.join(self.folder, "absent"), status=2)
        self.fails("is not JSON", "inclusion", self.write("not json"), status=2)

    # receipt

    def receipt(self, files, size=5, **changes):
        document = {"code": "12345-67890-12345-67890-12345", "receivedHour": "2026-11-25T10:00Z", "files": files,
                    "messageIncluded": False, "checkpoint": self.log.checkpoint(size)}
        document.update(changes)
        return document

    def receipt_2(self, **changes):
        return self.receipt([receipt_file("JPEG photo", ORIGINAL_2, CLEANED_2, 2, OPENING_2),
                             receipt_file("PNG image", ORIGINAL_3, CLEANED_3, 4, OPENING_3)], **changes)

    def served_proofs(self, size=None):
        return [
            self.write(self.log.proof(2, size, sha256=sha256(CLEANED_2).hex(), opening=OPENING_2.hex())),
            self.write(self.log.proof(4, size, sha256=sha256(ORIGINAL_3).hex(), opening=OPENING_3.hex())),
        ]

    def test_receipt_with_its_proofs_passes(self):
        receipt = self.write(self.receipt_2())
        out = self.passes("receipt", receipt, *self.served_proofs())
        self.assertIn("receipt file 1 (image/jpeg) is log entry 2", out)
        self.assertIn("receipt file 2 (image/jpeg) is log entry 4", out)
        self.assertNotIn("12345-67890", out)
        # A proof against the receipt's own checkpoint, and files given to check.
        self.passes("receipt", receipt, *self.served_proofs(size=5))
        out = self.passes("receipt", receipt, *self.served_proofs(),
                          "--file", self.write(ORIGINAL_2), self.write(CLEANED_3), "--file", self.write(CLEANED_2))
        self.assertIn("is the original copy of receipt file 1 (log entry 2)", out)
        self.assertIn("is the cleaned copy of receipt file 2 (log entry 4)", out)
        # One file's proof alone checks that file.
        self.passes("receipt", receipt, self.served_proofs()[1], "--file", self.write(ORIGINAL_3))

    def test_receipt_of_a_file_received_before_the_upgrade(self):
        receipt = self.write(self.receipt([receipt_file("JPEG photo", ORIGINAL_1, CLEANED_1, 0)], size=1))
        out = self.passes("receipt", receipt, self.write(self.log.proof(0)), "--file", self.write(ORIGINAL_1))
        self.assertIn("a v1 entry", out)
        wrong_size = receipt_file("JPEG photo", ORIGINAL_1, CLEANED_1, 0)
        wrong_size["cleanedSize"] += 1
        self.fails("cleaned-size is not", "receipt", self.write(self.receipt([wrong_size], size=1)), self.write(self.log.proof(0)))

    def test_receipt_with_a_wrong_opening_or_hash_fails(self):
        wrong = self.receipt_2()
        wrong["files"][0]["opening"] = OPENING_3.hex()
        self.fails("original-commitment is not that of", "receipt", self.write(wrong), *self.served_proofs())
        missing = self.receipt_2()
        del missing["files"][1]["opening"]
        self.fails("needs the file's opening", "receipt", self.write(missing), *self.served_proofs())
        other = self.receipt_2()
        other["files"][1]["cleanedSHA256"] = sha256(CLEANED_2).hex()
        self.fails("cleaned-commitment is not that of", "receipt", self.write(other), *self.served_proofs())

    def test_receipt_with_tampered_proofs_fails(self):
        receipt = self.write(self.receipt_2())
        good = self.served_proofs()
        proof = self.log.proof(4)
        proof["entry"] = proof["entry"].replace("image/png", "image/jpeg")
        del proof["leaf_hash"]
        self.fails("audit path does not lead", "receipt", receipt, good[0], self.write(proof))
        proof = self.log.proof(2)
        proof["audit_path"][0] = proof["audit_path"][1]
        self.fails("audit path does not lead", "receipt", receipt, self.write(proof))
        # Entry 3 is proven, but it is not a file on the receipt.
        self.fails("not a file on this receipt", "receipt", receipt, self.write(self.log.proof(3)))
        # A proof without the entry text proves nothing about the file.
        self.fails('has no "entry"', "receipt", receipt, self.write(self.log.proof(2, public=False)), status=2)

    def test_receipt_with_a_forged_or_forked_checkpoint_fails(self):
        forged = self.receipt_2()
        forged["checkpoint"] = forged["checkpoint"].replace("\n5\n", "\n4\n")
        self.fails("does not match the checkpoint", "receipt", self.write(forged), *self.served_proofs())
        self.fails("no signature by the key", "receipt", self.write(self.receipt_2()), *self.served_proofs(),
                   key=Log(ENTRIES).verifier_key)
        # The same signer, two different logs of five entries: the proof and the receipt disagree.
        fork = Log(ENTRIES[:1] + [ENTRIES[1].replace("Ainur", "Other")] + ENTRIES[2:], self.log.key)
        proofs = [self.write(fork.proof(2, 5)), self.write(fork.proof(4, 5))]
        self.fails("the log forked", "receipt", self.write(self.receipt_2()), *proofs)
        short = self.receipt_2(checkpoint=self.log.checkpoint(3))
        self.fails("does not cover log entry 4", "receipt", self.write(short), *self.served_proofs())
        self.fails("carries no checkpoint", "receipt", self.write(self.receipt_2(checkpoint=None)), *self.served_proofs())

    def test_receipt_with_an_unrelated_file_fails(self):
        receipt = self.write(self.receipt_2())
        self.fails("is neither the original nor the cleaned copy", "receipt", receipt, *self.served_proofs(),
                   "--file", self.write(CLEANED_1))
        self.fails("no proof of that entry was given", "receipt", receipt, self.served_proofs()[0], "--file", self.write(CLEANED_3))
        self.fails("at least one proof", "receipt", receipt, status=2)

    # export

    def custody(self, number, opening, original, cleaned, indexes):
        return {
            "file": number, "opening": opening.hex() if opening else None,
            "original_sha256": sha256(original).hex(), "original_size": len(original),
            "cleaned_sha256": sha256(cleaned).hex(), "cleaned_size": len(cleaned),
            "entries": [{"index": str(i), "leaf_hash": leaf_hash(ENTRIES[i]).hex(), "entry": ENTRIES[i]} for i in indexes],
        }

    def export_folder(self, folder=None, files=(1, 2)):
        folder = folder or os.path.join(self.folder, "export")
        os.makedirs(folder, exist_ok=True)
        manifest = []

        def put(name, data):
            self.write(data, os.path.relpath(os.path.join(folder, name), self.folder))
            manifest.append("%s  %s" % (sha256(data).hex(), name))

        if 1 in files:
            put("1.jpg", CLEANED_1)
            self.write(self.custody(1, None, ORIGINAL_1, CLEANED_1, [0, 1, 8]), os.path.join(folder, "1.custody.json"))
            self.write(self.log.proof(0, sha256=sha256(CLEANED_1).hex()), os.path.join(folder, "1.proof.json"))
        if 2 in files:
            put("2.jpg", CLEANED_2)
            put("2.original.jpg", ORIGINAL_2)
            self.write(self.custody(2, OPENING_2, ORIGINAL_2, CLEANED_2, [2, 3, 5, 7]), os.path.join(folder, "2.custody.json"))
            self.write(self.log.proof(2, sha256=sha256(CLEANED_2).hex(), opening=OPENING_2.hex()), os.path.join(folder, "2.proof.json"))
        self.write("\n".join(manifest) + "\n", os.path.join(folder, "manifest.sha256"))
        return folder

    def edit_json(self, path, change):
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        change(document)
        self.write(document, os.path.relpath(path, self.folder))

    def test_export_passes(self):
        folder = self.export_folder()
        out = self.passes("export", folder)
        self.assertIn("1.jpg (SHA-256 %s) is the cleaned file of log entry 0 (v1)" % sha256(CLEANED_1).hex(), out)
        self.assertIn("2.jpg (SHA-256 %s) is the cleaned file and 2.original.jpg is the original of log entry 2 (v2)"
                      % sha256(CLEANED_2).hex(), out)
        self.assertIn("4 custody entries", out)
        self.assertIn("ok: 2 exported files checked", out)

    def test_export_of_many_submissions_and_without_a_manifest(self):
        top = os.path.join(self.folder, "bulk")
        self.export_folder(os.path.join(top, "submission-1"), files=(1,))
        self.export_folder(os.path.join(top, "submission-2"), files=(2,))
        self.assertIn("ok: 2 exported files checked", self.passes("export", top))
        os.remove(os.path.join(top, "submission-2", "manifest.sha256"))
        self.assertIn("2.original.jpg is the original", self.passes("export", top))

    def test_export_written_before_the_upgrade(self):
        folder = self.export_folder(files=(1,))
        trail = [{"index": str(i), "leaf_hash": leaf_hash(ENTRIES[i]).hex(), "entry": ENTRIES[i]} for i in (0, 1)]
        self.write(trail, os.path.relpath(os.path.join(folder, "1.custody.json"), self.folder))
        self.passes("export", folder)
        self.write(CLEANED_2, os.path.relpath(os.path.join(folder, "1.jpg"), self.folder))
        os.remove(os.path.join(folder, "manifest.sha256"))
        self.fails("cleaned-sha256 is not", "export", folder)

    def test_export_with_a_tampered_file_fails(self):
        folder = self.export_folder()
        self.write(CLEANED_2 + b"\x00", os.path.relpath(os.path.join(folder, "2.jpg"), self.folder))
        self.fails("2.jpg does not match its line in manifest.sha256", "export", folder)
        os.remove(os.path.join(folder, "manifest.sha256"))
        self.fails("but the custody file says the cleaned file's is", "export", folder)
        folder = self.export_folder(os.path.join(self.folder, "again"))
        self.write(ORIGINAL_3, os.path.relpath(os.path.join(folder, "2.original.jpg"), self.folder))
        self.fails("2.original.jpg does not match its line", "export", folder)

    def test_export_with_tampered_custody_fails(self):
        folder = self.export_folder()
        custody = os.path.join(folder, "2.custody.json")

        def entry_text(document):
            document["entries"][2]["entry"] = document["entries"][2]["entry"].replace("alice", "mallory")
        self.edit_json(custody, entry_text)
        self.fails("custody entry 5's leaf_hash is not the hash of its entry", "export", folder)

        self.write(self.custody(2, OPENING_2, ORIGINAL_2, CLEANED_2, [2, 3, 5, 7]), os.path.relpath(custody, self.folder))
        self.passes("export", folder)

        def received(document):
            document["entries"][0]["entry"] = ENTRIES[4]
            document["entries"][0]["leaf_hash"] = leaf_hash(ENTRIES[4]).hex()
        self.edit_json(custody, received)
        self.fails("is about file 3, not file 2", "export", folder)

        folder = self.export_folder(os.path.join(self.folder, "facts"))
        custody = os.path.join(folder, "2.custody.json")
        self.edit_json(custody, lambda d: d.update(opening=OPENING_3.hex()))
        self.fails("original-commitment is not that of SHA-256", "export", folder)
        self.edit_json(custody, lambda d: d.update(opening=OPENING_2.hex(), original_sha256=sha256(ORIGINAL_3).hex()))
        self.fails("but the custody file says the original file's is", "export", folder)
        self.edit_json(custody, lambda d: d.update(original_sha256=sha256(ORIGINAL_2).hex(), opening=None))
        self.fails("needs the file's opening", "export", folder)
        self.edit_json(custody, lambda d: d.update(opening=OPENING_2.hex(), cleaned_size=len(CLEANED_2) + 1))
        self.fails("2.jpg is %d bytes" % len(CLEANED_2), "export", folder)
        self.edit_json(custody, lambda d: d.update(cleaned_size=len(CLEANED_2), entries=d["entries"][1:]))
        self.fails("does not hold the proven entry 2", "export", folder)

    def test_export_with_a_tampered_proof_or_key_fails(self):
        folder = self.export_folder()
        self.fails("no signature by the key", "export", folder, key=Log(ENTRIES).verifier_key)

        def path(document):
            document["audit_path"][0] = sha256(b"x").hex()
        self.edit_json(os.path.join(folder, "2.proof.json"), path)
        self.fails("audit path does not lead from entry 2", "export", folder)
        # A proof of another file's entry.
        self.write(self.log.proof(4), os.path.relpath(os.path.join(folder, "2.proof.json"), self.folder))
        self.fails("does not hold the proven entry 4", "export", folder)
        os.remove(os.path.join(folder, "1.custody.json"))
        self.fails("has no 1.custody.json beside it", "export", folder)
        self.fails("absent-folder is not a folder", "export", self.folder + "/absent-folder", status=2)
        empty = os.path.join(self.folder, "empty")
        os.mkdir(empty)
        self.fails("holds no N.proof.json", "export", empty, status=2)


if __name__ == "__main__":
    unittest.main()
