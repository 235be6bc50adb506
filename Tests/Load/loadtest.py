#!/usr/bin/python3
"""Many concurrent submitters against a running evidence-drop, for a bounded time (standard library only).

Usage: loadtest.py BASE_URL --seconds S --clients N --corpus DIR --out RESULTS.json [options]

Each client is a thread that loops until the deadline, sending submissions (POST /submissions, multipart,
Accept: application/json) of 1-3 corpus photos, sometimes a message, sometimes "keep my original"; video
clients add a large generated MP4 (a corpus MP4 whose last mdat box is grown with random bytes; a large WAV
when no MP4 fits), half of them by tus resumable upload (/uploads, 8 MiB PATCHes) named in the form. Every
connection is bound to a source address among --sources (on Linux all of 127/8 is loopback) and carries the
client's own User-Agent, Referer and original file names, all built around one random run id, so an anonymity
scan can look for them (they are listed under "needles" in the results).

Roles (fractions of the clients):
  normal    completes every upload and records the receipt;
  dropping  cuts more than half of its uploads mid-body: close (FIN), reset (RST), or half-close (shutdown
            of the sending side, then reads the server's answer: a receipt is a failure, a 4xx or 503 is
            right, a 5xx is reported as a finding, or a failure with --strict-truncation); its tus uploads are
            cut mid-PATCH, then resumed from the server's offset (HEAD) and finished;
  slow      sends its bodies in 8 KiB pieces at --slow-rate bytes/s: slow, but well within the server's body
            idle timeout (120 s by default), so these uploads must succeed;
  stalling  sends part of a body, then nothing for --stall-seconds, deliberately beyond the server's body
            idle timeout: the server must close the connection (only useful when the server's timeout is
            shorter than --stall-seconds; 0 stalling clients by default).
Every client's second submission, and then --reject-fraction of them, include a file the server must refuse
(a PDF) beside a photo: the PDF refuses only itself, so the answer is a receipt for the photo that lists the PDF
as refused (415), and nothing of the PDF may be stored. 503 (busy) answers are expected
under load: the client waits min(Retry-After, --max-backoff) seconds, with jitter, and sends the same
submission again. A connection the server closes without an answer is a finding, not a failure: whether
anything was stored without a receipt is what check_store.py settles.

Before the clock starts, every corpus photo is sent once alone ("preflight"; receipts kept): files the
server refuses are left out of the load and listed; during the load any refusal other than 503, or of a
file other than the deliberate PDF, is a failure. Every receipt's originalSHA256 values must be the SHA-256 of the bytes sent.
Latency per kind is that of the attempt that got the receipt; "any submission, to its receipt, with busy
retries" also counts the 503 refusals and back-off before it.

The results JSON holds counts, statuses, throughput, latency percentiles, every receipt, every drop, the
failures, and the needles. Exit status 1 when there were failures.
"""
import argparse
import hashlib
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".gif", ".avif"}
MAX_CORPUS_FILE = 20 * 1024 * 1024
PIECE = 64 * 1024
SLOW_PIECE = 8 * 1024
TUS_CHUNK = 8 * 1024 * 1024


class Media:
    """One file a client can send: its bytes, extension and SHA-256."""

    def __init__(self, label, data, extension, content_type):
        self.label = label
        self.data = data
        self.extension = extension
        self.content_type = content_type
        self.sha256 = hashlib.sha256(data).hexdigest()


def load_corpus(folder, limit=None):
    found = []
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            extension = os.path.splitext(name)[1].lower()
            if extension in PHOTO_EXTENSIONS and 0 < os.path.getsize(path) <= MAX_CORPUS_FILE:
                found.append(path)
    found.sort()
    if limit is not None and len(found) > limit:
        found = random.Random(7).sample(found, limit)
    photos = []
    for path in found:
        with open(path, "rb") as f:
            photos.append(Media(os.path.relpath(path, folder), f.read(), os.path.splitext(path)[1].lower(), "application/octet-stream"))
    return photos


def boxes(data, start, end):
    """Top-level ISOBMFF boxes in data[start:end]: (offset, size, type, header length)."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
            header = 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield offset, size, kind, header
        offset += size


def grown_mp4(data, extra):
    """The MP4 with `extra` random bytes appended inside its last mdat box: no sample moves, so every offset in
    moov stays right and the file stays valid. None when the file has no 32-bit mdat to grow."""
    top = list(boxes(data, 0, len(data)))
    mdats = [b for b in top if b[2] == b"mdat" and b[3] == 8]
    if not mdats or sum(b[1] for b in top) != len(data) or not any(b[2] == b"moov" for b in top):
        return None
    offset, size, _, _ = mdats[-1]
    if size + extra >= 1 << 32:
        return None
    end = offset + size
    return data[:offset] + struct.pack(">I", size + extra) + data[offset + 4:end] + os.urandom(extra) + data[end:]


def silent_wav(size):
    data_size = size - 44
    header = b"RIFF" + struct.pack("<I", size - 8) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16)
    return header + b"data" + struct.pack("<I", data_size) + os.urandom(data_size)


def large_video(corpus, megabytes):
    """A large valid video from a corpus MP4, or a large WAV when no corpus MP4 can be grown."""
    extra = megabytes * 1024 * 1024
    candidates = []
    for root, _, names in os.walk(corpus):
        for name in sorted(names):
            if name.lower().endswith((".mp4", ".mov")):
                candidates.append(os.path.join(root, name))
    # Prefer a plain MP4 (no GPS, FLIR or other oddities in its name) so the server's answer is predictable.
    candidates.sort(key=lambda p: (not p.endswith("sample_mpeg4.mp4"), p))
    for path in candidates:
        with open(path, "rb") as f:
            grown = grown_mp4(f.read(), extra)
        if grown is not None:
            return Media("generated from " + os.path.relpath(path, corpus), grown, os.path.splitext(path)[1].lower(), "video/mp4")
    return Media("generated WAV", silent_wav(extra), ".wav", "audio/wav")


REJECTED = Media("generated PDF", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + b" " * 2000, ".pdf", "application/pdf")


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class Cut(Exception):
    """The client cut its own upload on purpose."""


class ServerCut(Exception):
    """The server closed the connection before the whole body was sent, without an answer."""


def read_answer(sock, method="POST"):
    """Reads one HTTP/1.1 response (Content-Length, chunked, or until close)."""
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        data = sock.recv(65536)
        if not data:
            raise ConnectionError("connection closed before a response head" + (" (partial head)" if buffer else ""))
        buffer += data
    head, rest = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if method == "HEAD" or status in (204, 304):
        return Answer(status, headers, b"")
    if "content-length" in headers:
        length = int(headers["content-length"])
        while len(rest) < length:
            data = sock.recv(65536)
            if not data:
                raise ConnectionError("connection closed in a response body")
            rest += data
        return Answer(status, headers, rest[:length])
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in rest:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("connection closed in a chunked body")
                rest += data
            size_line, rest = rest.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(rest) < size + 2:
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("connection closed in a chunk")
                rest += data
            body += rest[:size]
            rest = rest[size + 2:]
            if size == 0:
                return Answer(status, headers, body)
    while True:
        data = sock.recv(65536)
        if not data:
            return Answer(status, headers, rest)
        rest += data


class Run:
    """Shared state of one load run: configuration, media, counters and results."""

    def __init__(self, options):
        self.options = options
        url = urllib.parse.urlsplit(options.base_url)
        self.host = url.hostname
        self.port = url.port or 80
        self.run_id = "lt" + uuid.uuid4().hex[:12]
        self.lock = threading.Lock()
        self.receipts = []
        self.drops = []
        self.stalls = []
        self.tus_uploads = []
        self.failures = []
        self.findings = {}
        self.statuses = {}
        self.latencies = {}
        self.events = {"requests": 0, "refused_busy": 0, "rejected_as_expected": 0, "dropped": 0, "tus_resumed": 0,
                       "stalled_and_cut": 0, "retries": 0, "tus_conflicts": 0, "cut_by_server": 0, "no_answer": 0}
        self.bytes_sent = 0
        self.stored_bytes = 0
        self.stored_files = 0
        self.user_agents = []
        self.referers = []
        self.file_names = []
        self.messages = []
        self.addresses = set()
        self.deadline = None

    def count(self, key, n=1):
        with self.lock:
            self.events[key] = self.events.get(key, 0) + n

    def status(self, status):
        with self.lock:
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def latency(self, kind, seconds):
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, text):
        with self.lock:
            self.failures.append(text)

    def finding(self, text):
        with self.lock:
            self.findings[text] = self.findings.get(text, 0) + 1

    def sent(self, n):
        with self.lock:
            self.bytes_sent += n


class Client(threading.Thread):
    def __init__(self, run, index, role, video, tus, photos):
        super().__init__(daemon=True)
        self.run_state = run
        self.index = index
        self.role = role
        self.video = video
        self.tus = tus
        self.photos = photos
        self.random = random.Random(f"{run.run_id}-{index}")
        self.token = f"{run.run_id}-c{index:03d}"
        self.source = run.options.sources[index % len(run.options.sources)]
        self.user_agent = f"LoadTestAgent/{self.token} (evidence-drop load test)"
        self.referer = f"http://{self.token}.referer.invalid/form?from={self.token}"
        self.sequence = 0
        self.receipted = False
        with run.lock:
            run.user_agents.append(self.user_agent)
            run.referers.append(self.referer)
            run.addresses.add(self.source)

    # Connections and requests

    def connect(self):
        options = self.run_state.options
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((self.source, 0))
        sock.settimeout(options.socket_timeout)
        sock.connect((self.run_state.host, self.run_state.port))
        return sock

    def head(self, method, path, length, extra):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.run_state.host}:{self.run_state.port}",
                 f"User-Agent: {self.user_agent}", f"Referer: {self.referer}",
                 f"Accept-Language: {self.random.choice(['en', 'ru', 'kk'])}", "Connection: close"]
        if length is not None:
            lines.append(f"Content-Length: {length}")
        lines += extra
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def request(self, method, path, pieces=(), extra=(), cut_at=None, cut_mode=None, slow=False, stall=None):
        """Sends one request whose body is `pieces` (bytes-like objects) and returns the Answer.
        cut_at: stop after that many body bytes and end the connection as cut_mode says (raises Cut, or returns
        the server's answer for "halfclose"). stall: (at, seconds): stop sending after `at` bytes and wait for the
        server to close the connection."""
        run = self.run_state
        length = sum(len(p) for p in pieces)
        sock = self.connect()
        try:
            sock.sendall(self.head(method, path, length if (pieces or method in ("POST", "PATCH")) else None, list(extra)))
            sent = 0
            piece_size = SLOW_PIECE if slow else PIECE
            pause = SLOW_PIECE / run.options.slow_rate if slow else 0
            limit = cut_at if cut_at is not None else (stall[0] if stall else None)
            try:
                for piece in pieces:
                    view = memoryview(piece)
                    for start in range(0, len(view), piece_size):
                        block = view[start:start + piece_size]
                        if limit is not None and sent + len(block) >= limit:
                            block = block[:limit - sent]
                            sock.sendall(block)
                            sent += len(block)
                            raise StopIteration
                        sock.sendall(block)
                        sent += len(block)
                        if pause:
                            time.sleep(pause)
            except StopIteration:
                pass
            except (BrokenPipeError, ConnectionResetError):
                # The server answered early (and closed): read what it said, if it said anything.
                run.sent(sent)
                try:
                    return read_answer(sock)
                except (ConnectionError, OSError):
                    raise ServerCut(sent, length)
            run.sent(sent)
            if cut_at is not None:
                if cut_mode == "reset":
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    raise Cut(sent)
                if cut_mode == "halfclose":
                    sock.shutdown(socket.SHUT_WR)
                    try:
                        return read_answer(sock)
                    except (ConnectionError, OSError):
                        raise Cut(sent)
                raise Cut(sent)
            if stall is not None:
                started = time.monotonic()
                sock.settimeout(stall[1])
                try:
                    answer = read_answer(sock)
                    return ("answered", time.monotonic() - started, answer.status)
                except socket.timeout:
                    return ("not closed", time.monotonic() - started, None)
                except (ConnectionError, OSError):
                    return ("closed", time.monotonic() - started, None)
            return read_answer(sock, method)
        finally:
            sock.close()

    # Submissions

    def file_name(self, media):
        self.sequence += 1
        name = f"secret-name-{self.token}-n{self.sequence}{media.extension}"
        with self.run_state.lock:
            self.run_state.file_names.append(name)
        return name

    def multipart(self, files, message=None, keep_original=False, uploads=()):
        boundary = "----loadtest" + uuid.uuid4().hex
        pieces = []
        for media in files:
            pieces.append((f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{self.file_name(media)}\"\r\n"
                           f"Content-Type: {media.content_type}\r\n\r\n").encode())
            pieces.append(media.data)
            pieces.append(b"\r\n")
        for upload in uploads:
            pieces.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"\r\n\r\n{upload}\r\n".encode())
        if message is not None:
            pieces.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n{message}\r\n".encode())
        if keep_original:
            pieces.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"keep_original\"\r\n\r\n1\r\n".encode())
        pieces.append(f"--{boundary}--\r\n".encode())
        extra = [f"Content-Type: multipart/form-data; boundary={boundary}", "Accept: application/json"]
        return pieces, extra

    def backoff(self, answer):
        retry_after = answer.headers.get("retry-after", "1")
        wait = min(float(retry_after) if retry_after.isdigit() else 1.0, self.run_state.options.max_backoff)
        time.sleep(wait * self.random.uniform(0.5, 1.0))

    def record_receipt(self, answer, sent_files, kind, started):
        run = self.run_state
        try:
            receipt = json.loads(answer.body)
            files = receipt["files"]
        except (ValueError, KeyError, TypeError):
            run.fail(f"client {self.index}: 201 without a JSON receipt: {answer.body[:200]!r}")
            return
        expected = [m.sha256 for m in sent_files]
        got = [f.get("originalSHA256") for f in files]
        if got != expected:
            run.fail(f"client {self.index}: receipt hashes {got} differ from the bytes sent {expected}")
        for media, f in zip(sent_files, files):
            if f.get("originalSize") != len(media.data):
                run.fail(f"client {self.index}: receipt size {f.get('originalSize')} for {len(media.data)} bytes sent")
        with run.lock:
            run.receipts.append({
                "code": receipt.get("code"), "client": self.index, "kind": kind,
                "files": [{"originalSHA256": f.get("originalSHA256"), "cleanedSHA256": f.get("cleanedSHA256"),
                           "opening": f.get("opening"), "logIndex": f.get("logIndex"), "originalSize": f.get("originalSize"),
                           "originalKept": f.get("originalKept"), "type": f.get("type")} for f in files],
            })
            run.stored_files += len(files)
            run.stored_bytes += sum(len(m.data) for m in sent_files)
        self.receipted = True
        run.latency(kind, time.monotonic() - started)

    def submit(self, files, kind, message=None, keep_original=False, uploads=(), expect_rejection=False, tus_files=()):
        """Sends one submission until it is answered other than 503 (or the deadline passes). Returns the answer."""
        run = self.run_state
        pieces, extra = self.multipart(files, message, keep_original, uploads)
        length = sum(len(p) for p in pieces)
        first_started = time.monotonic()
        while True:
            started = time.monotonic()
            cut_at = cut_mode = stall = None
            if self.role == "dropping" and not uploads and self.random.random() < 0.6:
                # Strictly inside the body: the closing boundary never arrives.
                cut_at = self.random.randint(min(1024, length // 2), length - len(pieces[-1]) - 1)
                cut_mode = self.random.choice(["close", "reset", "halfclose"])
            elif self.role == "stalling" and not uploads:
                stall = (self.random.randint(min(1024, length // 2), length - len(pieces[-1]) - 1), run.options.stall_seconds)
            run.count("requests")
            try:
                answer = self.request("POST", "/submissions", pieces, extra, cut_at=cut_at, cut_mode=cut_mode,
                                      slow=self.role == "slow", stall=stall)
            except Cut as cut:
                run.count("dropped")
                with run.lock:
                    run.drops.append({"client": self.index, "mode": cut_mode, "sent": cut.args[0], "body_length": length,
                                      "files": [m.sha256 for m in files]})
                return None
            except ServerCut as cut:
                # Cut mid-body, so nothing can have been stored (the check confirms it); the server does this when a
                # body stalls past its idle timeout, which an overloaded server can also mistake a sending client for.
                run.count("cut_by_server")
                run.finding("the server closed a connection mid-body, without an answer, while the client was sending")
                with run.lock:
                    run.drops.append({"client": self.index, "mode": "cut by server", "sent": cut.args[0], "body_length": length,
                                      "files": [m.sha256 for m in files]})
                return None
            except (ConnectionError, OSError) as error:
                # The whole body left this socket (perhaps only into the kernel's buffers) and nothing was answered.
                # If the server stored it, the submitter has no receipt: check_store.py then finds a record on no
                # receipt and fails; if it did not, nothing is lost. So this is a finding, settled by the store check.
                run.count("no_answer")
                run.finding(f"the server closed a connection without an answer after the whole body was sent ({type(error).__name__})")
                with run.lock:
                    run.drops.append({"client": self.index, "mode": "no answer", "sent": length, "body_length": length,
                                      "files": [m.sha256 for m in files]})
                return None
            if stall is not None:
                outcome, seconds, status = answer
                with run.lock:
                    run.stalls.append({"client": self.index, "outcome": outcome, "seconds": round(seconds, 2), "status": status})
                if outcome == "closed":
                    run.count("stalled_and_cut")
                else:
                    run.fail(f"client {self.index}: a body stalled for {run.options.stall_seconds} s was {outcome} "
                             f"(status {status}) instead of being closed by the server")
                return None
            run.status(answer.status)
            if cut_mode == "halfclose":
                run.count("dropped")
                with run.lock:
                    run.drops.append({"client": self.index, "mode": cut_mode, "sent": cut_at, "body_length": length,
                                      "files": [m.sha256 for m in files], "status": answer.status})
                if answer.status == 201:
                    run.fail(f"client {self.index}: a truncated body ({cut_at} of {length} bytes) got a receipt")
                    self.record_receipt(answer, files, "truncated", started)
                elif answer.status == 503 or 400 <= answer.status < 500:
                    pass
                elif answer.status >= 500 and not run.options.strict_truncation:
                    # Nothing is stored, but a client's truncated body is not a server error: a finding, not a failure.
                    run.finding(f"a body cut short of its Content-Length (half-close) is answered {answer.status}, not 400")
                else:
                    run.fail(f"client {self.index}: a truncated body got {answer.status}")
                return None
            if answer.status == 503:
                run.count("refused_busy")
                run.latency("refused_busy", time.monotonic() - started)
                if "retry-after" not in answer.headers:
                    run.fail(f"client {self.index}: 503 without Retry-After")
                # A slow submitter with no receipt yet keeps trying into the grace period, as a real one would:
                # busy answers while faster clients hold every place must not leave the slow path untested.
                patience = run.options.grace / 2 if self.role == "slow" and not self.receipted else 0
                if time.monotonic() > run.deadline + patience:
                    return answer
                run.count("retries")
                self.backoff(answer)
                continue
            if expect_rejection:
                # A bad file refuses only itself: the photo beside the PDF is received, and the PDF listed as refused.
                if answer.status == 201:
                    try:
                        refused = json.loads(answer.body).get("refused", [])
                    except ValueError:
                        refused = None
                    expected = [{"position": place + 1, "status": 415} for place, media in enumerate(files) if media is REJECTED]
                    if [{"position": r.get("position"), "status": r.get("status")} for r in refused or []] == expected:
                        run.count("rejected_as_expected")
                    else:
                        run.fail(f"client {self.index}: the PDF beside a photo was not listed as refused: {refused}")
                    self.record_receipt(answer, [m for m in files if m is not REJECTED] + list(tus_files), "photo beside a refused PDF", started)
                else:
                    run.fail(f"client {self.index}: a photo beside a PDF got {answer.status}, not 201 with the PDF refused")
                return answer
            if answer.status == 201:
                self.record_receipt(answer, files + list(tus_files), kind, started)
                run.latency("any submission, to its receipt, with busy retries", time.monotonic() - first_started)
            else:
                run.fail(f"client {self.index}: {kind} submission got {answer.status}: {answer.body[:300]!r}")
            return answer

    def tus_upload(self, media):
        """Uploads `media` by tus; a dropping client cuts its first PATCH mid-body and resumes. Returns the
        upload's path, or None."""
        run = self.run_state
        tus = ["Tus-Resumable: 1.0.0"]
        while True:
            run.count("requests")
            answer = self.request("POST", "/uploads", (), tus + [f"Upload-Length: {len(media.data)}"])
            run.status(answer.status)
            # Creations pass the upload gate too: a busy server's 503 is waited out like any other.
            if answer.status != 503 or time.monotonic() > run.deadline + run.options.grace:
                break
            run.count("refused_busy")
            run.count("retries")
            self.backoff(answer)
        if answer.status != 201 or "location" not in answer.headers:
            run.fail(f"client {self.index}: tus creation got {answer.status}")
            return None
        location = urllib.parse.urlsplit(answer.headers["location"]).path
        offset = 0
        cut_once = self.role == "dropping"
        stuck = 0
        trace = {"client": self.index, "started": round(time.monotonic() - run.deadline + run.options.seconds, 2), "steps": []}
        with run.lock:
            run.tus_uploads.append(trace)
        begun = time.monotonic()
        while offset < len(media.data):
            trace["steps"].append((round(time.monotonic() - begun, 2), offset))
            if stuck > 100:
                run.fail(f"client {self.index}: tus upload made no progress in 100 attempts")
                self.tus_delete(location)
                return None
            chunk = media.data[offset:offset + TUS_CHUNK]
            headers = tus + [f"Upload-Offset: {offset}", "Content-Type: application/offset+octet-stream"]
            run.count("requests")
            try:
                if cut_once:
                    cut_once = False
                    self.request("PATCH", location, [chunk], headers, cut_at=self.random.randint(1, len(chunk) - 1),
                                 cut_mode=self.random.choice(["close", "reset"]))
                sent_at = time.monotonic()
                answer = self.request("PATCH", location, [chunk], headers)
                if answer.status == 409 and time.monotonic() - sent_at > 10:
                    # Answered before the body was read; with Connection: close the server then neither reads the
                    # rest nor closes until its idle timeout (see connection_probes.py early-answer).
                    run.finding("a 409 to a PATCH (Connection: close) could be read only after the server's idle timeout")
            except Cut as cut:
                run.count("dropped")
                with run.lock:
                    run.drops.append({"client": self.index, "mode": "tus", "sent": cut.args[0], "body_length": len(chunk)})
                answer = None
            except ServerCut:
                # A tus upload keeps what arrived: go on from the server's offset.
                run.count("cut_by_server")
                answer = None
            except (ConnectionError, OSError) as error:
                # No answer: what arrived is kept, and the server's offset says how much that was.
                run.count("no_answer")
                run.finding(f"the server closed a connection without an answer after the whole body was sent ({type(error).__name__})")
                answer = None
            if answer is not None:
                run.status(answer.status)
                if answer.status == 204:
                    offset = int(answer.headers.get("upload-offset", "-1"))
                    continue
                if answer.status == 503:
                    run.count("refused_busy")
                    if time.monotonic() > run.deadline + run.options.grace:
                        self.tus_delete(location)
                        return None
                    run.count("retries")
                    self.backoff(answer)
                elif answer.status == 409:
                    # The offset we sent is stale (e.g. the server was still writing the cut PATCH when we asked).
                    run.count("tus_conflicts")
                elif answer.status == 500:
                    pass  # the HEAD below tells a damaged upload (a finding) from anything else (a failure)
                else:
                    run.fail(f"client {self.index}: tus PATCH got {answer.status}: {answer.body[:200]!r}")
            # After a cut or a refusal: ask where the upload stands, and go on from there.
            time.sleep(0.2)
            run.count("requests")
            state = self.request("HEAD", location, (), tus)
            run.status(state.status)
            if state.status == 500:
                # A resumed PATCH raced the server's handling of the cut one, both at one offset: the upload is
                # damaged for good (a server bug; see connection_probes.py tus-race). Delete it and go on.
                run.finding("a tus upload was damaged (HEAD 500) after a PATCH raced the cut one at the same offset")
                self.tus_delete(location)
                return None
            if state.status != 200:
                run.fail(f"client {self.index}: tus HEAD got {state.status}")
                return None
            if answer is not None and answer.status == 500:
                run.fail(f"client {self.index}: tus PATCH got 500 on an upload that is not damaged")
            resumed = int(state.headers.get("upload-offset", "-1"))
            if answer is None:
                run.count("tus_resumed")
            stuck = stuck + 1 if resumed <= offset else 0
            trace["steps"].append((round(time.monotonic() - begun, 2), offset, answer.status if answer else "cut", resumed))
            offset = resumed
        trace["seconds"] = round(time.monotonic() - begun, 2)
        return location

    def tus_delete(self, location):
        self.run_state.count("requests")
        answer = self.request("DELETE", location, (), ["Tus-Resumable: 1.0.0"])
        self.run_state.status(answer.status)

    def run(self):
        run = self.run_state
        iteration = 0
        while time.monotonic() < run.deadline:
            iteration += 1
            try:
                self.submit_once(iteration)
            except Exception as error:  # a client thread must not die silently
                run.fail(f"client {self.index}: {type(error).__name__}: {error}")
                time.sleep(0.5)

    def submit_once(self, iteration):
        run = self.run_state
        options = run.options
        photos = self.random.sample(self.photos, min(len(self.photos), self.random.randint(1, 3)))
        message = None
        if self.random.random() < options.message_fraction:
            message = f"MESSAGE-{self.token}-{self.sequence} what I saw"
            with run.lock:
                run.messages.append(message)
        keep = self.random.random() < options.keep_original_fraction
        if self.video and self.role in ("normal", "dropping") and self.random.random() < options.video_share:
            if self.tus:
                started = time.monotonic()
                location = self.tus_upload(run.video)
                if location is not None:
                    answer = self.submit(photos[:1], "tus form post", message, keep, uploads=[location], tus_files=[run.video])
                    if answer is None or answer.status != 201:
                        self.tus_delete(location)
                    else:
                        run.latency("tus video (whole upload)", time.monotonic() - started)
                return
            self.submit([run.video] + photos[:1], "video", message, keep)
            return
        # Every client's second submission carries a PDF, so that even a short run takes that path; then by chance.
        if options.reject_fraction > 0 and (iteration == 2 or self.random.random() < options.reject_fraction):
            files = photos[:1] + [REJECTED]
            self.random.shuffle(files)
            self.submit(files, "rejected", message, keep, expect_rejection=True)
            return
        self.submit(photos, "slow photo" if self.role == "slow" else "photo", message, keep)


def percentiles(values):
    if not values:
        return None
    ordered = sorted(values)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"count": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99), "max_ms": round(ordered[-1] * 1000, 1)}


def preflight(run, photos, video):
    """Sends each corpus photo alone, and the large video, once: keeps what the server accepts."""
    client = Client(run, 999, "normal", False, False, photos)
    run.deadline = time.monotonic() + 3600
    accepted, refused = [], {}
    for media in photos + [video]:
        answer = client.submit([media], "preflight")
        if answer is not None and answer.status == 201:
            accepted.append(media)
        else:
            refused[media.label] = answer.status if answer is not None else None
    # A refusal in preflight is information, not a failure: the corpus holds deliberately odd files.
    run.failures = [f for f in run.failures if "preflight submission got" not in f]
    return accepted, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sources", default="127.0.0.1,127.0.0.2,127.0.0.3")
    parser.add_argument("--drop-fraction", type=float, default=0.15)
    parser.add_argument("--slow-fraction", type=float, default=0.1)
    parser.add_argument("--stall-fraction", type=float, default=0.0)
    parser.add_argument("--stall-seconds", type=float, default=5)
    parser.add_argument("--video-fraction", type=float, default=0.1, help="clients that send large videos")
    parser.add_argument("--video-share", type=float, default=0.5, help="share of a video client's submissions with the video")
    parser.add_argument("--video-mb", type=int, default=48)
    parser.add_argument("--no-tus", action="store_true", help="video clients use only form posts (default: half use tus)")
    parser.add_argument("--reject-fraction", type=float, default=0.05)
    parser.add_argument("--message-fraction", type=float, default=0.3)
    parser.add_argument("--keep-original-fraction", type=float, default=0.03)
    parser.add_argument("--slow-rate", type=float, default=256 * 1024, help="bytes per second of slow clients")
    parser.add_argument("--max-backoff", type=float, default=2.0)
    parser.add_argument("--socket-timeout", type=float, default=180)
    parser.add_argument("--grace", type=float, default=120, help="seconds after the deadline a tus upload may still finish")
    parser.add_argument("--corpus-limit", type=int, default=None, help="use at most this many corpus photos")
    parser.add_argument("--skip-preflight", action="store_true")
    parser.add_argument("--strict-truncation", action="store_true", help="a 5xx answer to a truncated body is a failure")
    options = parser.parse_args()
    options.sources = options.sources.split(",")

    run = Run(options)
    photos = load_corpus(options.corpus, options.corpus_limit)
    if not photos:
        print(f"loadtest: no photos under {options.corpus}", file=sys.stderr)
        sys.exit(2)
    run.video = large_video(options.corpus, options.video_mb)
    refused = {}
    if not options.skip_preflight:
        photos, refused = preflight(run, photos, run.video)
        if run.video.label in refused:
            run.fail(f"the large video ({run.video.label}) was refused in preflight: {refused[run.video.label]}")
        photos = [p for p in photos if p is not run.video]
    if not photos:
        run.fail("the server refused every corpus photo")

    n = options.clients
    roles = (["dropping"] * round(n * options.drop_fraction) + ["slow"] * round(n * options.slow_fraction)
             + ["stalling"] * round(n * options.stall_fraction))
    roles = (roles + ["normal"] * n)[:n]
    random.Random(run.run_id).shuffle(roles)
    # Video clients alternate between dropping and normal ones, and between tus and a plain form post, so that
    # even two video clients cover a dropped tus upload (resumed) and a plain one.
    dropping = [i for i in range(n) if roles[i] == "dropping"]
    normal = [i for i in range(n) if roles[i] == "normal"]
    interleaved = [i for pair in zip(dropping, normal) for i in pair] + dropping[len(normal):] + normal[len(dropping):]
    wanted = max(1, round(n * options.video_fraction)) if options.video_fraction > 0 else 0
    video_clients = interleaved[:wanted]
    tus_clients = set() if options.no_tus else {c for p, c in enumerate(video_clients) if (p // 2 + p) % 2 == 0}
    clients = [Client(run, i, roles[i], i in video_clients, i in tus_clients, photos or [run.video]) for i in range(n)]
    preflight_events = dict(run.events)
    for key in run.events:
        run.events[key] = 0
    preflight_receipts = len(run.receipts)
    stored_before, bytes_before = run.stored_files, run.stored_bytes
    sent_before = run.bytes_sent
    run.statuses_preflight, run.statuses = run.statuses, {}
    run.latencies_preflight, run.latencies = run.latencies, {}

    started = time.monotonic()
    run.deadline = started + options.seconds
    if photos:
        for client in clients:
            client.start()
        for client in clients:
            client.join(options.seconds + options.grace + options.socket_timeout)
            if client.is_alive():
                run.fail(f"client {client.index} did not finish")
    elapsed = time.monotonic() - started

    load_files = run.stored_files - stored_before
    load_bytes = run.stored_bytes - bytes_before
    load_receipts = len(run.receipts) - preflight_receipts
    results = {
        "base_url": options.base_url,
        "run_id": run.run_id,
        "seconds_requested": options.seconds,
        "elapsed_seconds": round(elapsed, 2),
        "clients": n,
        "roles": {role: roles.count(role) for role in sorted(set(roles))},
        "video_clients": len(video_clients),
        "tus_video_clients": sum(1 for c in clients if c.tus),
        "sources": options.sources,
        "large_video": {"label": run.video.label, "bytes": len(run.video.data), "sha256": run.video.sha256},
        "corpus_photos_used": len(photos),
        "preflight": {"receipts": preflight_receipts, "refused": refused, "events": preflight_events,
                      "statuses": run.statuses_preflight},
        "events": run.events,
        "statuses": run.statuses,
        "receipts_during_load": load_receipts,
        "files_stored_during_load": load_files,
        "throughput": {
            "submissions_per_second": round(load_receipts / elapsed, 2),
            "files_per_second": round(load_files / elapsed, 2),
            "stored_mb_per_second": round(load_bytes / 1e6 / elapsed, 2),
            "sent_mb_per_second": round((run.bytes_sent - sent_before) / 1e6 / elapsed, 2),
            "stored_mb": round(load_bytes / 1e6, 1),
        },
        "latency": {kind: percentiles(values) for kind, values in sorted(run.latencies.items())},
        "failures": run.failures,
        "findings": run.findings,
        "receipts": run.receipts,
        "drops": run.drops,
        "stalls": run.stalls,
        "tus_uploads": run.tus_uploads,
        # What an anonymity scan must not find: every string below contains one of "anchors" (lower case), so
        # searching for the anchors finds any of them.
        "needles": {
            "anchors": [run.run_id.lower(), "loadtestagent", "secret-name-", "127.0.0.2", "127.0.0.3"],
            "data_only_anchors": ["127.0.0.1"],
            # Only this run's: what a scan of a shared temp folder looks for (other runs' needles may be there).
            "run_anchors": [run.run_id.lower()],
            "user_agents": run.user_agents,
            "referers": run.referers,
            "file_names": run.file_names,
            "messages": run.messages,
            "addresses": sorted(run.addresses),
            # Plaintext of the large video (its random filler): never on the server's disk unsealed.
            "plaintext_samples_hex": [run.video.data[len(run.video.data) // 2:len(run.video.data) // 2 + 32].hex()],
        },
    }
    with open(options.out, "w") as f:
        json.dump(results, f, indent=1)
    summary = {k: results[k] for k in ("clients", "roles", "elapsed_seconds", "receipts_during_load", "files_stored_during_load",
                                       "events", "statuses", "throughput", "latency")}
    summary["failures"] = len(run.failures)
    summary["findings"] = run.findings
    print(json.dumps(summary, indent=1))
    for failure in run.failures[:20]:
        print("FAILURE: " + failure, file=sys.stderr)
    sys.exit(1 if run.failures else 0)


if __name__ == "__main__":
    main()
