#!/usr/bin/python3
"""Runs Public/sniff.js in a real headless Chromium on every case of CASES_JSON ([{"hex": …, "type": ext or null}],
the server's MediaSniffer verdicts) and prints {"cases": N, "mismatches": [...]}; exits 1 on any mismatch.

Usage: js_sniff_agreement.py BASE_URL CASES_JSON
"""
import json
import sys

from browser import chromium


def main():
    base, cases_path = sys.argv[1], sys.argv[2]
    cases = json.load(open(cases_path))
    driver = chromium()
    try:
        driver.get(base + "/")
        verdicts = driver.execute_script(
            "return arguments[0].map(function (hex) {"
            "  var bytes = new Uint8Array(hex.length / 2);"
            "  for (var i = 0; i < bytes.length; i++) { bytes[i] = parseInt(hex.substr(2 * i, 2), 16); }"
            "  return window.evidenceSniff.sniff(bytes);"
            "});", [case["hex"] for case in cases])
    finally:
        driver.quit()
    mismatches = [{"hex": case["hex"], "server": case["type"], "browser": got}
                  for case, got in zip(cases, verdicts) if case["type"] != got]
    print(json.dumps({"cases": len(cases), "mismatches": mismatches[:20]}))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
