#!/usr/bin/python3
"""Slow and stuck clients against a server on 127.0.0.1:PORT, for the timeout tests.

Usage: slow_clients.py PORT MODE COUNT SECONDS
  MODE headers: each client sends a request head one byte every 0.2 s and never finishes it;
  MODE body:    each client sends a whole head (Content-Length 10 MB) and 1 kB of body, then nothing.
Prints JSON: how many connections the server closed within SECONDS (it stops early once all are), and after how
long (median).
"""
import json
import socket
import sys
import time


def main():
    port, mode, count, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    head = (b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 10000000\r\n\r\n")
    started = time.monotonic()
    clients = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        if mode == "body":
            s.sendall(head + b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.jpg\"\r\n\r\n" + b"\xff\xd8" + b"x" * 1000)
        clients.append({"socket": s, "sent": 0, "closed_after": None})
    # Until SECONDS have passed, or every connection is closed: the window is only a limit.
    while time.monotonic() - started < seconds and any(c["closed_after"] is None for c in clients):
        now = time.monotonic() - started
        for client in clients:
            if client["closed_after"] is not None:
                continue
            s = client["socket"]
            try:
                if s.recv(65536) == b"":
                    client["closed_after"] = now
                    continue
            except BlockingIOError:
                pass
            except OSError:
                client["closed_after"] = now
                continue
            if mode == "headers" and client["sent"] < len(head) and now >= client["sent"] * 0.2:
                try:
                    s.send(head[client["sent"]:client["sent"] + 1])
                    client["sent"] += 1
                except OSError:
                    client["closed_after"] = now
        time.sleep(0.05)
    closed = sorted(c["closed_after"] for c in clients if c["closed_after"] is not None)
    print(json.dumps({"closed": len(closed), "count": count, "median_seconds": closed[len(closed) // 2] if closed else None}))


if __name__ == "__main__":
    main()
