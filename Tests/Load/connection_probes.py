#!/usr/bin/python3
"""Probes of what the load test ran into, each printing JSON, against a server on 127.0.0.1:PORT.

Usage: connection_probes.py PORT tus-race
  Creates a tus upload, cuts a PATCH at offset 0 after 4 MB (close or reset), and at once sends the PATCH again
  from offset 0, as a client resuming after a dropped connection does when the server has not yet noticed the
  drop; then asks for the upload's state (HEAD). Prints, per cut mode: the second PATCH's status and the HEAD's.

Usage: connection_probes.py PORT tus-stall SECONDS
  The same, but the first PATCH is not closed: its connection goes silent after 4 MB, as when a phone's network
  drops without a word to the server. 0.5 s later the client resumes from the offset HEAD gives, sending the whole
  chunk; after SECONDS (set it beyond the server's body idle timeout, which then cuts the silent PATCH) the upload's
  state is asked for again. Prints the resumed PATCH's status and the HEAD's.

Usage: connection_probes.py PORT early-answer
  Sends requests the server refuses before reading their 8 MiB body (tus PATCH at a wrong offset, tus PATCH of an
  unknown upload, a form post that is not multipart), with and without `Connection: close`, all at once, and
  prints the status of each answer and how many seconds it took until the answer could be read.
"""
import json
import socket
import struct
import sys
import threading
import time


def request(port, head, body=b"", cut=None, mode="close"):
    started = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(60)
    s.sendall(head)
    if cut is not None:
        s.sendall(body[:cut])
        if mode == "reset":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        return None
    try:
        s.sendall(body)
    except OSError:
        pass
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    status = data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none"
    headers = {line.split(b":", 1)[0].strip().lower().decode(): line.split(b":", 1)[1].strip().decode()
               for line in data.split(b"\r\n\r\n")[0].split(b"\r\n")[1:] if b":" in line}
    return {"status": status, "headers": headers, "seconds": round(time.monotonic() - started, 2)}


def create(port, length):
    answer = request(port, b"POST /uploads HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Length: %d\r\n"
                           b"Content-Length: 0\r\n\r\n" % length)
    return answer["headers"]["location"].encode()


def patch_head(location, offset, length, extra=b""):
    return (b"PATCH %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: %d\r\n%s"
            b"Content-Type: application/offset+octet-stream\r\nContent-Length: %d\r\n\r\n" % (location, offset, extra, length))


def tus_race(port):
    chunk = bytes(range(256)) * (32 * 1024)  # 8 MiB
    results = {}
    for mode in ("close", "reset"):
        location = create(port, 2 * len(chunk))
        request(port, patch_head(location, 0, len(chunk)), chunk, cut=4_000_000, mode=mode)
        second = request(port, patch_head(location, 0, len(chunk)), chunk)
        time.sleep(0.5)
        state = request(port, b"HEAD %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n" % location)
        results[mode] = {"second_patch": second["status"], "head": state["status"], "offset": state["headers"].get("upload-offset")}
        request(port, b"DELETE %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n" % location)
    return results


def tus_stall(port, seconds):
    chunk = bytes(range(256)) * (32 * 1024)  # 8 MiB
    location = create(port, 2 * len(chunk))
    silent = socket.create_connection(("127.0.0.1", port))
    silent.sendall(patch_head(location, 0, len(chunk)) + chunk[:4_000_000])
    # The resumed PATCH below waits for the silent one, which the server cuts at its body idle timeout (2 s in the
    # test); the resumed one's own idle timeout runs meanwhile. Starting it 1.2 s in leaves the server 1.2 s to let
    # the silent one go (0.5 s was too little in a full parallel test run).
    time.sleep(1.2)
    before = request(port, b"HEAD %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n" % location)
    offset = int(before["headers"].get("upload-offset", "0"))
    resumed = request(port, patch_head(location, offset, len(chunk) - offset), chunk[offset:])
    time.sleep(seconds)
    silent.close()
    state = request(port, b"HEAD %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n" % location)
    request(port, b"DELETE %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n" % location)
    return {"offset_before": offset, "resumed_patch": resumed["status"], "head": state["status"],
            "offset": state["headers"].get("upload-offset")}


def early_answer(port):
    """The six requests at once (each on its own connection), so that the probe takes one idle timeout, not three."""
    body = b"x" * (8 * 1024 * 1024)
    location = create(port, 100_000_000)
    cases = {}
    for name, extra in (("keep-alive", b""), ("close", b"Connection: close\r\n")):
        cases[f"tus wrong offset, {name}"] = patch_head(location, 5, len(body), extra)
        cases[f"tus unknown upload, {name}"] = patch_head(b"/uploads/AAAA", 0, len(body), extra)
        cases[f"form not multipart, {name}"] = (b"POST /submissions HTTP/1.1\r\nHost: x\r\n%sContent-Type: text/plain\r\n"
                                                b"Content-Length: %d\r\n\r\n" % (extra, len(body)))
    results = {}

    def run(name, head):
        answer = request(port, head, body)
        results[name] = {"status": answer["status"], "seconds": answer["seconds"]}

    threads = [threading.Thread(target=run, args=item) for item in cases.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main():
    port, probe = int(sys.argv[1]), sys.argv[2]
    if probe == "tus-race":
        print(json.dumps(tus_race(port)))
    elif probe == "tus-stall":
        print(json.dumps(tus_stall(port, float(sys.argv[3]))))
    else:
        print(json.dumps(early_answer(port)))


if __name__ == "__main__":
    main()
