#!/usr/bin/python3
"""With JavaScript on, adds a file to an earlier submission from the status page: the file goes up through the same
resumable client (tus, /uploads) as on the main form, with its progress panel, and the page shows the addition.

Usage: js_on_add_files.py BASE_URL RECEIPT_CODE FILE
Prints one JSON object; exits non-zero if a step fails.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def main():
    base, code, path = sys.argv[1], sys.argv[2], sys.argv[3]
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=360,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    result = {}
    try:
        driver.get(base + "/status")
        driver.find_element(By.ID, "code").send_keys(code)
        driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "add-form")))
        driver.find_element(By.ID, "add-files").send_keys(path)
        driver.find_element(By.CSS_SELECTOR, "form#add-form button[type=submit]").click()
        # The panel comes once the chosen file's first bytes are checked (sniff.js): at once, or within moments.
        WebDriverWait(driver, 5).until(lambda d: d.find_elements(By.ID, "upload-progress") or not d.find_elements(By.ID, "add-form"))
        result["progress_shown"] = bool(driver.find_elements(By.ID, "upload-progress"))
        WebDriverWait(driver, 60).until(lambda d: not d.find_elements(By.ID, "add-form") and d.find_elements(By.TAG_NAME, "h1"))
        result["heading"] = driver.find_element(By.TAG_NAME, "h1").text
        result["url"] = driver.current_url
        result["console_errors"] = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
