#!/usr/bin/python3
"""Drives a real headless Chromium, with JavaScript switched off, through the submitter's path:
the form, a submission of the given files with a message, the receipt, and the status page.

Usage: js_off_submission.py BASE_URL SCREENSHOT_DIR FILE...
Prints one JSON object with what the pages showed and the receipts the browser downloaded; exits non-zero if a
step fails.
"""
import json
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser(downloads):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,1400"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "profile.managed_default_content_settings.javascript": 2,
        "download.default_directory": downloads, "download.prompt_for_download": False,
    })
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def downloaded(folder, name, seconds=20):
    """The text of a file the browser saved into `folder`, once it is complete."""
    path = os.path.join(folder, name)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if os.path.exists(path) and not any(f.endswith(".crdownload") for f in os.listdir(folder)):
            with open(path, encoding="utf-8") as f:
                return f.read()
        time.sleep(0.2)
    return None


def main():
    base, shots, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    downloads = tempfile.mkdtemp(prefix="evidence-downloads-")
    driver = browser(downloads)
    result = {}
    try:
        driver.get(base + "/")
        driver.save_screenshot(shots + "/form.png")
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        driver.find_element(By.ID, "message").send_keys("seen from the bridge")
        # Keep the originals: the box comes before the files, so the server knows as each file arrives.
        driver.find_element(By.ID, "keep_original").click()
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        driver.save_screenshot(shots + "/receipt.png")
        result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
        result["files_on_receipt"] = len(driver.find_elements(By.CSS_SELECTOR, "section.file"))
        result["originals_kept"] = driver.find_element(By.TAG_NAME, "main").text.count("Kept as you asked")
        # The technical proof is folded: open it as a person would (no JavaScript needed), then read the page.
        for summary in driver.find_elements(By.CSS_SELECTOR, "main details > summary"):
            summary.click()
        result["receipt_text"] = driver.find_element(By.TAG_NAME, "main").text
        # The receipt to keep, as a person saves it: the page's two download links, named after the site.
        for ending in (".txt", ".json"):
            link = driver.find_element(By.CSS_SELECTOR, "a[download$='%s']" % ending)
            name = link.get_attribute("download")
            link.click()
            result["download" + ending] = {"name": name, "text": downloaded(downloads, name)}

        driver.get(base + "/status")
        driver.find_element(By.ID, "code").send_keys(result["receipt_code"])
        driver.find_element(By.CSS_SELECTOR, "form[action^='/status?'] button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "result")))
        driver.save_screenshot(shots + "/status.png")
        result["status_text"] = driver.find_element(By.ID, "result").text
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
