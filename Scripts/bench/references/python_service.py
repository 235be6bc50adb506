"""The Python baseline for the upload benchmarks (issue 8): Starlette on uvicorn, `cryptography` for AES-256-GCM.

It does what evidence-drop does to an upload's bytes on the way in, minus metadata removal, sealing to reviewer keys,
the database and the log: streams the body, hashes it with SHA-256 and encrypts it in 64 KiB AES-256-GCM chunks
(counter nonces, a fresh key per file) into a file, then answers 201 with the hash. Files are written, not fsync'd.

  POST /submissions   multipart/form-data, parsed as it streams (python-multipart); each file part sealed to a file
  POST /raw           the request body itself sealed to a file

Run by Scripts/bench.sh in a throwaway virtual environment:
  BENCH_SPOOL=DIR uvicorn python_service:app --host 127.0.0.1 --port PORT --workers N
"""
import hashlib
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

try:
    from python_multipart.multipart import MultipartParser, parse_options_header
except ImportError:  # python-multipart before 0.0.13
    from multipart.multipart import MultipartParser, parse_options_header

CHUNK = 64 * 1024
SPOOL = os.environ.get("BENCH_SPOOL", "/tmp")


class SealingFile:
    """SHA-256 of the plaintext; AES-256-GCM of each 64 KiB chunk (nonce: 11-byte counter + last flag) to a file."""

    def __init__(self):
        self.aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self.sha256 = hashlib.sha256()
        self.pending = bytearray()
        self.index = 0
        self.size = 0
        self.handle = open(os.path.join(SPOOL, secrets.token_hex(16)), "wb")

    def update(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.pending += data
        while len(self.pending) > CHUNK:
            self._seal(bytes(self.pending[:CHUNK]), last=False)
            del self.pending[:CHUNK]

    def _seal(self, chunk, last):
        nonce = self.index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        self.handle.write(self.aead.encrypt(nonce, chunk, None))
        self.index += 1

    def finish(self):
        self._seal(bytes(self.pending), last=True)
        self.handle.close()
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


async def raw(request):
    sealed = SealingFile()
    async for piece in request.stream():
        sealed.update(piece)
    return JSONResponse(sealed.finish(), status_code=201)


async def submissions(request):
    content_type, parameters = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in parameters:
        return JSONResponse({"error": "not multipart/form-data"}, status_code=400)
    files = []
    state = {"header_field": b"", "headers": {}, "current": None, "field": bytearray()}

    def on_part_begin():
        state["headers"] = {}
        state["current"] = None
        state["field"] = bytearray()

    def on_header_field(data, start, end):
        state["header_field"] += data[start:end]

    def on_header_value(data, start, end):
        name = state["header_field"].lower()
        state["headers"][name] = state["headers"].get(name, b"") + data[start:end]

    def on_header_end():
        state["header_field"] = b""

    def on_headers_finished():
        _, disposition = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if b"filename" in disposition:
            state["current"] = SealingFile()

    def on_part_data(data, start, end):
        if state["current"] is not None:
            state["current"].update(data[start:end])
        elif len(state["field"]) + end - start <= 20000:
            state["field"] += data[start:end]

    def on_part_end():
        if state["current"] is not None:
            files.append(state["current"].finish())
            state["current"] = None

    parser = MultipartParser(parameters[b"boundary"], callbacks={
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
        "on_part_end": on_part_end})
    async for piece in request.stream():
        parser.write(piece)
    parser.finalize()
    if not files:
        return JSONResponse({"error": "no file"}, status_code=400)
    return JSONResponse({"files": files}, status_code=201)


app = Starlette(routes=[Route("/submissions", submissions, methods=["POST"]), Route("/raw", raw, methods=["POST"])])
