#!/usr/bin/python3
"""Drives a real headless Chromium with JavaScript on through the enhanced form (Public/submit.js):
the files go up with XMLHttpRequest and the receipt replaces the page without a navigation.

Usage: js_on_submission.py BASE_URL SCREENSHOT_DIR FILE...
Prints one JSON object with what the page showed; exits non-zero if a step fails.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, shots, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,1400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    result = {}
    try:
        driver.get(base + "/")
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        # Keep the originals: the box comes before the files, so the server knows as each file arrives.
        driver.find_element(By.ID, "keep_original").click()
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        driver.save_screenshot(shots + "/receipt-js.png")
        result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
        result["files_on_receipt"] = len(driver.find_elements(By.CSS_SELECTOR, "section.file"))
        result["originals_kept"] = driver.find_element(By.TAG_NAME, "main").text.count("Kept as you asked")
        # A native form post would have navigated to /submissions; the script stays on the form's URL.
        result["url"] = driver.current_url
        result["console_errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
