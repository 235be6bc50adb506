#!/usr/bin/python3
"""With JavaScript off: a file is sent, the receipt shown, then the page reloaded, which makes the browser post the
same form again. Prints what each page showed, as JSON.

Usage: js_off_reload_receipt.py BASE_URL FILE
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, send_from_form


def main():
    base, path = sys.argv[1], sys.argv[2]
    driver = chromium(360, 800, javascript=False)
    result = {}
    try:
        result["code"] = send_from_form(driver, base, "kk", [path])
        result["receipt_url"] = driver.current_url
        driver.refresh()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        result["after_reload_heading"] = driver.find_element(By.TAG_NAME, "h1").text
        result["after_reload_text"] = driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
