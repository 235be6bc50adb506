#!/usr/bin/env python3
"""Decrypt an evidence-drop sealed file with a reviewer's private key.

An independent implementation of the sealed-file format specified in
docs/FORMAT.md, so evidence stays readable without the evidence-drop program.
Needs only Python 3 and the `cryptography` package (version 38 or newer).

    decrypt_sealed.py --key reviewer.key [--out FILE|-] SEALED

The key is the passphrase-protected PEM written by `evidence-review keygen`;
the passphrase comes from EVIDENCE_KEY_PASSPHRASE or a no-echo prompt.
The file is streamed: the header MAC and every 64 KiB chunk are verified as
they are read, and a version-2 file's padding is taken off on the way, holding
back only a count of zero bytes. With --out FILE the plaintext goes to a
temporary file that is renamed to FILE only when the whole file has verified,
and removed otherwise.
With --out - (the default) verified chunks are written to standard output as
they come, so on failure part of the plaintext may already have been written.

Exit status: 0 success, 1 the file or key failed a check, 2 usage error.
"""

import argparse
import getpass
import hashlib
import os
import sys
import tempfile

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"EVIDENCE-SEALED\n"
UNPADDED_VERSION = 1
PADDED_VERSION = 2
PADDING_MARKER = 0x80
X25519_STANZA = 0x01
X25519_BODY_LENGTH = 32 + 16 + 32 + 16
PAYLOAD_NONCE_LENGTH = 16
MAC_LENGTH = 32
CHUNK_SIZE = 65536
TAG_LENGTH = 16
SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_LENGTH
PASSPHRASE_VARIABLE = "EVIDENCE_KEY_PASSPHRASE"
ZERO_PIECE = 4 * CHUNK_SIZE


class Failure(Exception):
    """A check failed; the message is printed after "error: "."""


class UsageError(Exception):
    """The command line or its files cannot be used; exit status 2."""


def hkdf_sha256(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def chunk_nonce(index, last):
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def padme(length):
    """Padme(L) (docs/FORMAT.md, "Padding"): L rounded up to a multiple of 2^(E - S), E = floor(log2 L), S = bits of E."""
    if length < 2:
        return length
    exponent = length.bit_length() - 1
    mask = (1 << (exponent - exponent.bit_length())) - 1
    return (length + mask) & ~mask


class PaddingStripper:
    """Writes a version-2 payload's plaintext to `output` without its padding, in O(1) memory: a 0x80 that may be
    the marker and the zero bytes after it are held back as a flag and a count, never as bytes."""

    def __init__(self, output):
        self.output = output
        self.marker_held = False
        self.held_zeros = 0
        self.file_length = 0

    def write(self, plaintext):
        data = plaintext.rstrip(b"\x00")
        if not data:
            if self.marker_held:
                self.held_zeros += len(plaintext)
            elif plaintext:
                self._hand(plaintext)
            return
        self._release_held()
        if data[-1] == PADDING_MARKER:
            self._hand(data[:-1])
            self.marker_held = True
            self.held_zeros = len(plaintext) - len(data)
        else:
            self._hand(plaintext)

    def finish(self):
        """Checks that what is held back is exactly the padding of a file of the length written."""
        if not self.marker_held:
            raise Failure("the padding is malformed: the plaintext does not end with 0x80 and zero bytes")
        expected = padme(self.file_length + 1) - self.file_length - 1
        if self.held_zeros != expected:
            raise Failure(
                "the padding is malformed: %d zero bytes follow the 0x80 that ends a file of %d bytes, instead of %d"
                % (self.held_zeros, self.file_length, expected)
            )

    def _release_held(self):
        """A non-zero byte follows the held 0x80 and zeros, so they are the file's: writes them in bounded pieces."""
        if not self.marker_held:
            return
        self.marker_held = False
        self._hand(bytes([PADDING_MARKER]))
        while self.held_zeros:
            count = min(self.held_zeros, ZERO_PIECE)
            self._hand(bytes(count))
            self.held_zeros -= count

    def _hand(self, data):
        self.file_length += len(data)
        self.output.write(data)


class Unpadded:
    """Writes a version-1 payload's plaintext as it is."""

    def __init__(self, output):
        self.write = output.write

    def finish(self):
        pass


def read_exact(stream, count):
    """Reads up to `count` bytes, fewer only at end of file."""
    parts = []
    remaining = count
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def read_header_field(stream, count):
    data = read_exact(stream, count)
    if len(data) < count:
        raise Failure("file is truncated")
    return data


def load_private_key(path, passphrase):
    try:
        with open(path, "rb") as key_file:
            pem = key_file.read()
    except OSError as error:
        raise UsageError("cannot read the key %s: %s" % (path, error.strerror))
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in pem:
        if b"-----BEGIN PRIVATE KEY-----" in pem:
            raise Failure("the key is not protected by a passphrase; reviewer keys must be")
        raise Failure("%s is not a PEM private key" % path)
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise Failure("wrong passphrase for the key")
    if not isinstance(key, X25519PrivateKey):
        raise Failure("the key is not an X25519 key")
    return key


def read_header(stream):
    """Returns (version, stanzas, payload_nonce, authenticated_bytes, mac) as specified in docs/FORMAT.md, "Header"."""
    magic = read_exact(stream, len(MAGIC))
    if magic != MAGIC[: len(magic)]:
        raise Failure("this is not an evidence-drop sealed file")
    if len(magic) < len(MAGIC):
        raise Failure("file is truncated")
    version = read_header_field(stream, 1)
    if version[0] not in (UNPADDED_VERSION, PADDED_VERSION):
        raise Failure("unsupported format version %d" % version[0])
    count_bytes = read_header_field(stream, 2)
    count = int.from_bytes(count_bytes, "big")
    if count == 0:
        raise Failure("the header is malformed: the recipient count is zero")
    authenticated = [magic, version, count_bytes]
    stanzas = []
    for index in range(count):
        prefix = read_header_field(stream, 3)
        stanza_type = prefix[0]
        length = int.from_bytes(prefix[1:3], "big")
        if stanza_type == X25519_STANZA and length != X25519_BODY_LENGTH:
            raise Failure("the header is malformed: recipient stanza %d has the wrong length" % index)
        body = read_header_field(stream, length)
        authenticated += [prefix, body]
        stanzas.append((stanza_type, body))
    payload_nonce = read_header_field(stream, PAYLOAD_NONCE_LENGTH)
    authenticated.append(payload_nonce)
    mac = read_header_field(stream, MAC_LENGTH)
    return version[0], stanzas, payload_nonce, b"".join(authenticated), mac


def unwrap_file_key(private_key, stanzas):
    """Tries the X25519 stanzas carrying our key id first, then the others (docs/FORMAT.md, "X25519 stanza")."""
    own_public = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    own_key_id = hashlib.sha256(own_public).digest()[:16]
    candidates = [body for stanza_type, body in stanzas if stanza_type == X25519_STANZA]
    addressed = [body for body in candidates if body[32:48] == own_key_id]
    others = [body for body in candidates if body[32:48] != own_key_id]
    for body in addressed + others:
        ephemeral_public = body[0:32]
        try:
            shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        except ValueError:
            continue  # a degenerate ephemeral key: not a stanza an honest writer made
        wrap_key = hkdf_sha256(shared, ephemeral_public + own_public, b"evidence-drop/v1 X25519")
        try:
            return AESGCM(wrap_key).decrypt(b"\x00" * 12, body[48:], None)
        except InvalidTag:
            continue
    if addressed:
        raise Failure("the header failed authentication: the file is damaged or was altered")
    raise Failure("this file was not sealed to this key")


def decrypt(stream, private_key, output):
    version, stanzas, payload_nonce, authenticated, mac = read_header(stream)
    file_key = unwrap_file_key(private_key, stanzas)
    header_mac = hmac.HMAC(hkdf_sha256(file_key, None, b"evidence-drop/v1 header"), hashes.SHA256())
    header_mac.update(authenticated)
    try:
        header_mac.verify(mac)
    except InvalidSignature:
        raise Failure("the header failed authentication: the file is damaged or was altered")
    cipher = AESGCM(hkdf_sha256(file_key, payload_nonce, b"evidence-drop/v1 payload"))
    plaintext_output = PaddingStripper(output) if version == PADDED_VERSION else Unpadded(output)

    def damaged(index):
        return Failure("chunk %d failed authentication: the file is damaged or was altered" % index)

    index = 0
    current = read_exact(stream, SEALED_CHUNK_SIZE)
    while True:
        following = read_exact(stream, SEALED_CHUNK_SIZE) if len(current) == SEALED_CHUNK_SIZE else b""
        if following:
            # More data follows, so this chunk must not be the last one.
            try:
                plaintext_output.write(cipher.decrypt(chunk_nonce(index, False), current, None))
            except InvalidTag:
                try:
                    cipher.decrypt(chunk_nonce(index, True), current, None)
                except InvalidTag:
                    raise damaged(index)
                raise Failure("unexpected data follows the end of the sealed file")
            index += 1
            current = following
            continue
        if len(current) < TAG_LENGTH:
            raise Failure("file is truncated")
        try:
            plaintext = cipher.decrypt(chunk_nonce(index, True), current, None)
        except InvalidTag:
            if len(current) == SEALED_CHUNK_SIZE:
                try:
                    cipher.decrypt(chunk_nonce(index, False), current, None)
                except InvalidTag:
                    raise damaged(index)
                raise Failure("file is truncated")
            raise damaged(index)
        if not plaintext and index > 0:
            raise damaged(index)  # an empty last chunk is valid only for an empty file
        plaintext_output.write(plaintext)
        plaintext_output.finish()
        return


def read_passphrase(key_path):
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    if passphrase is not None:
        return passphrase
    try:
        return getpass.getpass("Passphrase for %s: " % key_path)
    except (EOFError, KeyboardInterrupt):
        raise UsageError("no passphrase given (set %s or answer the prompt)" % PASSPHRASE_VARIABLE)


def run(arguments):
    parser = argparse.ArgumentParser(
        description="Decrypt an evidence-drop sealed file (format: docs/FORMAT.md).",
    )
    parser.add_argument("--key", required=True, metavar="FILE", help="the reviewer's passphrase-protected private key (PEM)")
    parser.add_argument("--out", default="-", metavar="FILE|-", help="where to write the plaintext; - for standard output (default)")
    parser.add_argument("sealed", metavar="SEALED", help="the sealed file")
    options = parser.parse_args(arguments)

    if options.out == "-" and sys.stdout.isatty():
        raise UsageError("refusing to write binary data to a terminal; use --out FILE")
    if options.out != "-" and os.path.lexists(options.out):
        raise UsageError("%s already exists; choose another --out" % options.out)
    try:
        sealed = open(options.sealed, "rb")
    except OSError as error:
        raise UsageError("cannot read %s: %s" % (options.sealed, error.strerror))
    with sealed:
        private_key = load_private_key(options.key, read_passphrase(options.key))
        if options.out == "-":
            decrypt(sealed, private_key, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        directory = os.path.dirname(os.path.abspath(options.out))
        descriptor, temporary = tempfile.mkstemp(prefix=".decrypting-", dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as output:
                decrypt(sealed, private_key, output)
                output.flush()
                os.fsync(output.fileno())
            os.replace(temporary, options.out)
        except BaseException:
            os.unlink(temporary)
            raise


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
