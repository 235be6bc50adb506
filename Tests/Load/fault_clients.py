#!/usr/bin/python3
"""Submitters who fail in the ways a raw socket can, each carrying identifying headers, for the anonymity scan.

Usage: fault_clients.py PORT SOURCE USER-AGENT REFERER FILE-NAME PHOTO
Every connection is bound to SOURCE (e.g. 127.0.0.2) and sends USER-AGENT and REFERER; uploads name the file
FILE-NAME (in `filename=` and in RFC 5987 `filename*=`). Prints JSON: what each fault got (status or "closed").
  slow-header     a request head sent a byte every 0.1 s, never finished (closed by the header timeout)
  huge-header     a head with 20 kB of X-Padding (refused)
  bad-request     a malformed request line that still carries the headers
  stalled-body    a whole head and part of the photo, then nothing (closed by the body idle timeout)
  truncated-body  part of the photo, then the sending side shut (the server answers; nothing may be stored)
  tus-abandoned   a tus upload created, half sent, cut mid-PATCH, then deleted (termination)
"""
import json
import socket
import sys
import time


def main():
    port, source, agent, referer, name, photo_path = int(sys.argv[1]), *sys.argv[2:7]
    photo = open(photo_path, "rb").read()
    identity = f"User-Agent: {agent}\r\nReferer: {referer}\r\n".encode()

    def connect():
        s = socket.socket()
        s.bind((source, 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        return s

    def answer(s):
        """The status of the server's answer, "closed" when it closed the connection without one, or "timeout"."""
        data = b""
        try:
            while b"\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            return "timeout"
        except ConnectionError:
            pass
        return data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "closed"

    outcomes = {}
    part = (f'--B\r\nContent-Disposition: form-data; name="files"; filename="{name}"; filename*=UTF-8\'\'{name}\r\n'
            f"Content-Type: image/jpeg\r\n\r\n").encode()
    body = part + photo + b"\r\n--B--\r\n"
    upload_head = (b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n" + identity +
                   b"Accept: application/json\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: %d\r\n\r\n")

    s = connect()
    head = b"POST /submissions HTTP/1.1\r\nHost: 127.0.0.1\r\n" + identity
    started = time.monotonic()
    try:
        for i in range(len(head)):
            s.send(head[i:i + 1])
            time.sleep(0.1)
            if time.monotonic() - started > 15:
                break
        outcomes["slow-header"] = answer(s)
    except OSError:
        outcomes["slow-header"] = "closed"
    s.close()

    s = connect()
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + identity + b"X-Padding: " + b"a" * 20000 + b"\r\n\r\n")
    outcomes["huge-header"] = answer(s)
    s.close()

    s = connect()
    s.sendall(f"GET /{name} HTTP/9.9 junk\r\nHost: 127.0.0.1\r\n".encode() + identity + b"\r\n")
    outcomes["bad-request"] = answer(s)
    s.close()

    s = connect()
    s.sendall(upload_head % len(body) + body[:len(body) // 2])
    s.settimeout(15)
    outcomes["stalled-body"] = answer(s)
    s.close()

    s = connect()
    s.sendall(upload_head % len(body) + body[:len(body) // 2])
    s.shutdown(socket.SHUT_WR)
    outcomes["truncated-body"] = answer(s)
    s.close()

    s = connect()
    s.sendall(b"POST /uploads HTTP/1.1\r\nHost: 127.0.0.1\r\n" + identity + b"Tus-Resumable: 1.0.0\r\nUpload-Length: %d\r\n"
              b"Content-Length: 0\r\nConnection: close\r\n\r\n" % len(photo))
    created = b""
    while b"\r\n\r\n" not in created:
        chunk = s.recv(65536)
        if not chunk:
            break
        created += chunk
    s.close()
    location = next((line.split(b":", 1)[1].strip().decode() for line in created.split(b"\r\n") if line.lower().startswith(b"location:")), None)
    if location is None:
        outcomes["tus-abandoned"] = "not created"
    else:
        s = connect()
        s.sendall(f"PATCH {location} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + identity +
                  b"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(photo) + photo[:len(photo) // 2])
        time.sleep(0.3)
        s.close()
        time.sleep(0.3)
        s = connect()
        s.sendall(f"DELETE {location} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + identity +
                  b"Tus-Resumable: 1.0.0\r\nConnection: close\r\n\r\n")
        outcomes["tus-abandoned"] = answer(s)
        s.close()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
