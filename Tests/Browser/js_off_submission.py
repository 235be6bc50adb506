#!/usr/bin/python3
"""Drives a real headless Chromium, with JavaScript switched off, through the submitter's path:
the form, a submission of the given files with a message, the receipt, and the status page.

Usage: js_off_submission.py BASE_URL SCREENSHOT_DIR FILE...
Prints one JSON object with what the pages showed; exits non-zero if a step fails.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,1400"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def main():
    base, shots, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    driver = browser()
    result = {}
    try:
        driver.get(base + "/")
        driver.save_screenshot(shots + "/form.png")
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        driver.find_element(By.ID, "message").send_keys("seen from the bridge")
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        driver.save_screenshot(shots + "/receipt.png")
        result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
        result["files_on_receipt"] = len(driver.find_elements(By.CSS_SELECTOR, "section.file"))
        result["receipt_text"] = driver.find_element(By.TAG_NAME, "main").text

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
