#!/usr/bin/python3
"""Slow-body attackers: each holds an upload open by sending one byte now and then, and reconnects when cut.

Usage: slow_bodies.py PORT PATH COUNT SECONDS
COUNT connections POST to PATH a head with Content-Length 1000000 and the start of a multipart body, then one byte
every 5 s each; a connection the server closes is opened again at once, until SECONDS have passed.
Prints JSON: how many connections were opened in all and how many the server closed.
"""
import json
import socket
import sys
import time


def main():
    port, path, count, seconds = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 1000000\r\n\r\n").encode()
    start = b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n\xff\xd8"
    opened = closed = 0

    def connect():
        nonlocal opened
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        s.sendall(head + start)
        opened += 1
        return {"socket": s, "next": time.monotonic() + 5}

    clients = [connect() for _ in range(count)]
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        now = time.monotonic()
        for index, client in enumerate(clients):
            s = client["socket"]
            gone = False
            try:
                gone = s.recv(65536) == b""
            except BlockingIOError:
                pass
            except OSError:
                gone = True
            if not gone and now >= client["next"]:
                try:
                    s.send(b"x")
                    client["next"] = now + 5
                except OSError:
                    gone = True
            if gone:
                closed += 1
                s.close()
                clients[index] = connect()
        time.sleep(0.05)
    for client in clients:
        client["socket"].close()
    print(json.dumps({"opened": opened, "closed": closed}))


if __name__ == "__main__":
    main()
