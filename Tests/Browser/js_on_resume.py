#!/usr/bin/python3
"""Drives a real headless Chromium with JavaScript on through the enhanced form (Public/submit.js) while the upload
is interrupted mid-way: submit.js must ask the server where it stands (tus HEAD) and go on from there, not start again.

Usage: js_on_resume.py BASE_URL SCREENSHOT_DIR FILE [cut|reload]
Chromium talks to BASE_URL through a TCP proxy on 127.0.0.1. Once more than CUT_FRACTION of FILE's size has gone
from the browser to the server:
- cut (the default): the proxy resets every open connection (both sides) and, for REFUSE_SECONDS, resets every new
  one right after accepting it; then it forwards normally again. submit.js retries by itself.
- reload: the proxy holds the upload's connection still while the page is reloaded (as a person would, or a phone
  that dropped the tab), then resets them; the person picks the same file again and sends the form again.
Prints one JSON object with what happened; exits non-zero if a step fails.
"""
import json
import os
import socket
import struct
import sys
import threading
import time
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CUT_FRACTION = 0.4
# submit.js retries 1 s after the cut, then 2 s and 4 s later, each time asking the server's offset (HEAD) first.
# 4 s of refusals make the first two HEADs fail as well, which is the path where a stale offset used to get a 409.
REFUSE_SECONDS = 4
SUBMIT = "form#submission-form button[type=submit], form[action^='/submissions'] button[type=submit]"


def reset(sock):
    """Closes with a TCP reset (linger 0), as a dropped network does, rather than a polite FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def shut(sock):
    """Wakes a thread blocked in recv on `sock` (closing it from another thread would not, on Linux)."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class Pair:
    """A browser connection and its connection to the server, pumped by two threads; the last one out closes them."""

    def __init__(self, client, server):
        self.sockets = (client, server)
        self.pumps = 2
        self.cut = False
        self.held = False  # reload mode: forwards nothing more until released, then is reset


class CuttingProxy:
    def __init__(self, upstream, cut_after, mode):
        self.upstream = upstream
        self.cut_after = cut_after
        self.mode = mode
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.forwarded = 0  # bytes browser -> server
        self.cut_at = None
        self.cuts = 0  # connections reset at the cut
        self.refused = 0  # connections reset right after accept while the line is "down"
        self.down_until = 0.0
        self.pairs = set()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            client, _ = self.listener.accept()
            with self.lock:
                down = time.monotonic() < self.down_until
                if down:
                    self.refused += 1
            if down:
                reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                reset(client)
                continue
            pair = Pair(client, server)
            with self.lock:
                self.pairs.add(pair)
            threading.Thread(target=self.pump, args=(pair, client, server, True), daemon=True).start()
            threading.Thread(target=self.pump, args=(pair, server, client, False), daemon=True).start()

    def pump(self, pair, source, destination, upstream):
        try:
            while True:
                if pair.held:
                    self.released.wait()
                    break
                data = source.recv(256 * 1024)
                if not data:
                    break
                destination.sendall(data)
                if upstream:
                    with self.lock:
                        self.forwarded += len(data)
                        if self.cut_at is None and self.forwarded > self.cut_after:
                            self.cut() if self.mode == "cut" else self.hold(pair)
        except OSError:
            pass  # the cut, or the other direction ending, shut this socket
        with self.lock:
            if pair in self.pairs:
                # One side ended in order: end the other too (HTTP needs no half-closed connections).
                self.pairs.discard(pair)
                for sock in pair.sockets:
                    shut(sock)
            pair.pumps -= 1
            last = pair.pumps == 0
        if last:
            for sock in pair.sockets:
                if pair.cut:
                    reset(sock)
                else:
                    sock.close()

    def hold(self, pair):
        """Stops the upload's connection where it is (reload mode); other connections, such as the one the reload
        itself uses, go on. Called with the lock held."""
        self.cut_at = self.forwarded
        pair.held = True

    def release(self):
        """Resets the held connections, as the browser's reload left them, and lets new ones through."""
        with self.lock:
            for pair in self.pairs:
                if pair.held:
                    self.cuts += 1
                    pair.cut = True
                    for sock in pair.sockets:
                        shut(sock)
            self.pairs = {pair for pair in self.pairs if not pair.held}
        self.released.set()

    def cut(self):
        """Drops the line: every open connection is shut, then reset when its pumps are out. Called with the lock held."""
        self.cut_at = self.forwarded
        self.down_until = time.monotonic() + REFUSE_SECONDS
        for pair in self.pairs:
            self.cuts += 1
            pair.cut = True
            for sock in pair.sockets:
                shut(sock)
        self.pairs.clear()


def main():
    base, shots, path = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "cut"
    size = os.path.getsize(path)
    target = urlsplit(base)
    proxy = CuttingProxy((target.hostname, target.port), int(size * CUT_FRACTION), mode)
    proxied = "%s://127.0.0.1:%d" % (target.scheme, proxy.port)

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,1400"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    result = {}
    started = time.monotonic()
    try:
        driver.get(proxied + "/")
        driver.find_element(By.ID, "files").send_keys(path)
        driver.find_element(By.CSS_SELECTOR, SUBMIT).click()
        # The progress bar submit.js adds, once some bytes are on their way.
        WebDriverWait(driver, 60, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: any(float(bar.get_attribute("value") or 0) > 0 for bar in d.find_elements(By.TAG_NAME, "progress")))
        # Each file's own line: sent, speed and time left.
        WebDriverWait(driver, 60, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: any(line.text.strip() for line in d.find_elements(By.CSS_SELECTOR, "p.file-progress")))
        result["file_progress"] = driver.find_element(By.CSS_SELECTOR, "p.file-progress").text
        driver.save_screenshot(shots + "/progress-resume.png")
        if mode == "reload":
            WebDriverWait(driver, 120, poll_frequency=0.1).until(lambda d: proxy.cut_at is not None)
            driver.save_screenshot(shots + "/before-reload.png")
            driver.refresh()
            proxy.release()
            # The same file again, as a person would pick it after the reload.
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "files"))
            driver.find_element(By.ID, "files").send_keys(path)
            driver.find_element(By.CSS_SELECTOR, SUBMIT).click()

        # Done when the receipt replaces the page; given up when submit.js re-enables Send (its "connection lost" state),
        # so a failed resume ends the run at once instead of after the whole timeout.
        def finished(d):
            if d.find_elements(By.ID, "receipt-code"):
                return "receipt"
            buttons = d.find_elements(By.CSS_SELECTOR, SUBMIT)
            if buttons and buttons[0].is_enabled():
                return "gave up"
            return False

        outcome = WebDriverWait(driver, 300, poll_frequency=0.5, ignored_exceptions=[StaleElementReferenceException]).until(
            finished)
        result["seconds"] = round(time.monotonic() - started, 1)
        if outcome == "receipt":
            driver.save_screenshot(shots + "/receipt-%s.png" % mode)
            result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
            codes = driver.find_elements(By.CSS_SELECTOR, "code.sha-original")
            # The first fingerprint in a file's list is that of what was sent; the second, the cleaned copy's.
            # Folded in the technical proof, so not shown (.text would be empty): read from the document.
            result["original_sha256"] = codes[0].get_attribute("textContent").strip() if codes else None
        else:
            driver.save_screenshot(shots + "/failed-%s.png" % mode)
            result["error"] = "submit.js gave up: " + driver.find_element(By.TAG_NAME, "body").text
        # Failed requests while the line was cut are the point of the test (Chromium logs each as a SEVERE
        # "net::ERR_CONNECTION_RESET" or similar); any other error, such as a 409 from a PATCH at a stale offset, is not.
        result["console_errors"] = [
            entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and "net::ERR_" not in entry["message"]]
    finally:
        driver.quit()
    with proxy.lock:
        result.update(bytes_forwarded_to_server=proxy.forwarded, cut_at=proxy.cut_at, cuts=proxy.cuts,
                      refused_while_cut=proxy.refused, size=size)
    print(json.dumps(result))
    if "error" in result:
        sys.exit(1)


if __name__ == "__main__":
    main()
