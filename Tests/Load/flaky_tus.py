#!/usr/bin/python3
"""A real tus client (tuspy, from PyPI) uploading through a proxy that breaks connections at random points.

Usage: flaky_tus.py PORT FILE SEED
Sends FILE to the server on 127.0.0.1:PORT as a resumable upload in 256 KiB PATCHes through a proxy of its own
that, per PATCH, passes it through, cuts it (both sides) after a random number of bytes, or cuts the client side
only and holds the server side open a while, then sends it the bytes it held back and closes it: the server then
has a PATCH still open, and bytes arriving on it, while the client resumes from HEAD on another connection. The
PATCH after a held one is cut shorter than it.
tuspy retries from the offset HEAD reports. Then it posts the form naming the upload, straight to the server.
Prints JSON: the receipt's files, how many connections each fault hit, and every 5xx status the proxy saw.
"""
import json
import random
import socket
import subprocess
import sys
import threading
import time

from tusclient import client as tus


class FlakyProxy:
    def __init__(self, port, seed):
        self.upstream_port = port
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.faults = {"pass": 0, "cut": 0, "stale": 0}
        self.server_errors = []
        self.last_stale_budget = 0
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            except OSError:
                self.close(client)
                continue
            threading.Thread(target=self.to_server, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.to_client, args=(upstream, client), daemon=True).start()

    def fault_for(self, first):
        """The fault for a connection whose first bytes are `first`: PATCHes only (tuspy opens a connection per
        request). The PATCH after one held open is cut short of it, as in the reported sequence: the client then
        resumes from HEAD while the held one is still open, and that one is kept last, going further."""
        if not first.startswith(b"PATCH "):
            return "pass", 0, 0
        with self.lock:
            if self.last_stale_budget:
                mode, budget = "cut", self.last_stale_budget // 2
            else:
                mode, budget = self.random.choice(["pass", "pass", "cut", "stale"]), self.random.randint(20_000, 250_000)
            self.last_stale_budget = budget if mode == "stale" else 0
            self.faults[mode] += 1
            return mode, budget, self.random.uniform(0.02, 0.3)

    @staticmethod
    def close(sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def to_server(self, client, upstream):
        sent = 0
        mode = None
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if mode is None:
                    mode, budget, hold = self.fault_for(data)
                if mode != "pass" and sent + len(data) > budget:
                    cut = budget - sent
                    upstream.sendall(data[:cut])
                    self.close(client)
                    if mode == "stale":
                        # The client is gone and resumes elsewhere; this PATCH stays open and gets more bytes late.
                        time.sleep(hold)
                        upstream.sendall(data[cut:])
                        time.sleep(0.2)
                    self.close(upstream)
                    return
                upstream.sendall(data)
                sent += len(data)
        except OSError:
            pass
        self.close(upstream)
        self.close(client)

    def to_client(self, upstream, client):
        head = b""
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                head = (head + data)[-4096:]
                for line in head.split(b"\r\n"):
                    if line.startswith(b"HTTP/1.1 5"):
                        with self.lock:
                            self.server_errors.append(line.decode(errors="replace"))
                head = head[-64:]
                client.sendall(data)
        except OSError:
            pass
        self.close(client)


def main():
    port, path, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    proxy = FlakyProxy(port, seed)
    client = tus.TusClient(f"http://127.0.0.1:{proxy.port}/uploads")
    url = None
    uploader = None
    for _ in range(400):
        try:
            uploader = client.uploader(path, chunk_size=256 * 1024, url=url, retries=20, retry_delay=0.05)
            uploader.upload()
            url = uploader.url
            break
        except Exception:
            # Created but cut before it finished: resume it (HEAD) rather than begin again.
            if uploader is not None and uploader.url:
                url = uploader.url
            time.sleep(0.05)
    else:
        raise SystemExit("the upload did not finish in 400 attempts")
    token_path = url.split("/uploads/", 1)[1]
    form = subprocess.run(
        ["curl", "-sS", "-H", "Accept: application/json", "-F", f"upload=/uploads/{token_path}",
         f"http://127.0.0.1:{port}/submissions"],
        capture_output=True, check=True)
    receipt = json.loads(form.stdout)
    with proxy.lock:
        print(json.dumps({"files": receipt["files"], "faults": proxy.faults, "server_errors": proxy.server_errors}))


if __name__ == "__main__":
    main()
