#!/usr/bin/env python3
"""The one HTTP client every upload benchmark uses, against evidence-drop, nginx and the Python service alike.

  upload_client.py single URL FILE [--mode multipart|put|tus] [--chunk BYTES]
      One upload of FILE. multipart: POST multipart/form-data with keep_original=0 and one `files` part (what
      the form sends with the box unticked);
      put: PUT of the same multipart body (nginx's DAV module stores a PUT body; the bytes on the wire are the same);
      tus: POST /uploads, PATCH in CHUNK pieces (8 MiB, as Public/submit.js sends), then POST the form naming the
      upload. The file body is sent with sendfile(2), so the client costs little CPU.
      Prints JSON: {"seconds", "bytes", "status"}.

  upload_client.py concurrent URL FILE --requests N --clients C [--mode multipart|put]
      N uploads of FILE (read once into memory) from C threads, each on its own keep-alive connection.
      Prints JSON: {"seconds", "requests", "req_per_s", "p50_ms", "p99_ms", "statuses"}.

A response other than 2xx counts as a failure: the exit code is 1 and the JSON says which statuses came back.
"""
import argparse
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse

BOUNDARY = "----evidence-drop-bench-7d1f0c"


def multipart_parts(filename, content_type="application/octet-stream", field="files"):
    # The form sends keep_original=0 before the files (and =1 after it when the box is ticked).
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="keep_original"\r\n\r\n0\r\n'
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return head, tail


def content_type_of(path):
    lower = path.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if lower.endswith(".mp4"):
        return "video/mp4"
    if lower.endswith(".mov"):
        return "video/quicktime"
    return "application/octet-stream"


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=600), parts.path or "/"


def send_request(conn, method, path, headers, pieces):
    """pieces: bytes objects, or (file object, offset, count) to send with sendfile."""
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    for piece in pieces:
        if isinstance(piece, tuple):
            handle, offset, count = piece
            conn.sock.sendfile(handle, offset, count)
        else:
            conn.sock.sendall(piece)
    response = conn.getresponse()
    body = response.read()
    return response.status, response.getheaders(), body


def upload_multipart(url, path, method="POST", unique=""):
    conn, target = connect(url)
    head, tail = multipart_parts(os.path.basename(path), content_type_of(path))
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        status, _, _ = send_request(conn, method, target + unique, {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(len(head) + size + len(tail)),
        }, [head, (handle, 0, size), tail])
    conn.close()
    return status


def upload_tus(url, path, chunk):
    """url: the server's base URL (http://host:port)."""
    base = url.rstrip("/")
    conn, _ = connect(base)
    size = os.path.getsize(path)
    status, headers, _ = send_request(conn, "POST", "/uploads", {
        "Tus-Resumable": "1.0.0", "Upload-Length": str(size), "Content-Length": "0"}, [])
    if status != 201:
        return status
    location = dict((k.lower(), v) for k, v in headers)["location"]
    offset = 0
    with open(path, "rb") as handle:
        while offset < size:
            count = min(chunk, size - offset)
            status, headers, _ = send_request(conn, "PATCH", location, {
                "Tus-Resumable": "1.0.0", "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream", "Content-Length": str(count)},
                [(handle, offset, count)])
            if status != 204:
                return status
            offset += count
    field = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"upload\"\r\n\r\n{location}\r\n--{BOUNDARY}--\r\n"
    ).encode()
    status, _, _ = send_request(conn, "POST", "/submissions", {
        "Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Content-Length": str(len(field))}, [field])
    conn.close()
    return status


def single(args):
    size = os.path.getsize(args.file)
    start = time.perf_counter()
    if args.mode == "tus":
        status = upload_tus(args.url, args.file, args.chunk)
    else:
        status = upload_multipart(args.url, args.file, "PUT" if args.mode == "put" else "POST",
                                  unique=f"{os.getpid()}-{time.time_ns()}" if args.mode == "put" else "")
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "bytes": size, "status": status}))
    return 0 if 200 <= status < 300 else 1


def concurrent(args):
    with open(args.file, "rb") as handle:
        content = handle.read()
    head, tail = multipart_parts(os.path.basename(args.file), content_type_of(args.file))
    body = head + content + tail
    method = "PUT" if args.mode == "put" else "POST"
    lock = threading.Lock()
    next_request = [0]
    latencies = []
    statuses = {}

    def worker(number):
        conn, target = connect(args.url)
        while True:
            with lock:
                if next_request[0] >= args.requests:
                    break
                request = next_request[0]
                next_request[0] += 1
            path = f"{target}{number}-{request}" if method == "PUT" else target
            began = time.perf_counter()
            try:
                status, headers, _ = send_request(conn, method, path, {
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    "Content-Length": str(len(body))}, [body])
                if any(k.lower() == "connection" and v.lower() == "close" for k, v in headers):
                    conn.close()
                    conn, target = connect(args.url)
            except (OSError, http.client.HTTPException) as error:
                status = f"error: {error.__class__.__name__}"
                conn.close()
                conn, target = connect(args.url)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    latencies.sort()

    def percentile(p):
        # Nearest rank: the smallest latency with at least p% of the requests at or below it.
        return latencies[min(len(latencies) - 1, max(0, math.ceil(p / 100 * len(latencies)) - 1))] * 1000

    print(json.dumps({
        "seconds": seconds, "requests": len(latencies), "req_per_s": len(latencies) / seconds,
        "p50_ms": percentile(50), "p99_ms": percentile(99), "statuses": statuses, "body_bytes": len(body)}))
    ok = sum(count for status, count in statuses.items() if status.isdigit() and 200 <= int(status) < 300)
    return 0 if ok == args.requests else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["single", "concurrent"])
    parser.add_argument("url")
    parser.add_argument("file")
    parser.add_argument("--mode", choices=["multipart", "put", "tus"], default="multipart")
    parser.add_argument("--chunk", type=int, default=8 << 20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    sys.exit(single(args) if args.command == "single" else concurrent(args))


if __name__ == "__main__":
    main()
