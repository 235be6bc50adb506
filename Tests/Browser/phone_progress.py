#!/usr/bin/python3
"""On a phone-sized window (360x800) with a slow uplink, sends files through the enhanced form and reads what the
person sees the moment Send is pressed and while the files go up: the progress panel in view, its heading in words,
a labelled total, each file's line, then the receipt.

Usage: phone_progress.py BASE_URL LANG FILE...
Prints one JSON object; exits non-zero if a step fails.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

SEEN = """
const panel = document.getElementById("upload-progress");
if (!panel) return null;
const box = panel.getBoundingClientRect();
const total = panel.querySelector(".total-progress strong");
return {
  top: box.top, height: window.innerHeight,
  heading: panel.querySelector("h2").textContent,
  total_label: total ? total.textContent : null,
  lines: Array.from(panel.querySelectorAll(".file-progress")).map(line => line.textContent),
};
"""


def main():
    base, lang, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=360,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    result = {}
    try:
        driver.get(base + "/?lang=" + lang)
        # A slow uplink, as over Tor: the upload takes seconds, long enough to be watched.
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
            "offline": False, "latency": 50, "downloadThroughput": 2_000_000, "uploadThroughput": 150_000})
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        result["panel_before_send"] = driver.execute_script(SEEN)
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        # The panel comes once the chosen files' first bytes are checked (sniff.js): at once, or within moments.
        result["at_send"] = WebDriverWait(driver, 5).until(lambda d: d.execute_script(SEEN))
        # While sending: a file's line fills in, and a finished file says so.
        during = []
        deadline = time.time() + 60
        while time.time() < deadline and not driver.find_elements(By.ID, "receipt-code"):
            seen = driver.execute_script(SEEN)
            if seen:
                during.append(seen)
            time.sleep(0.2)
        result["during"] = during
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
        result["console_errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
