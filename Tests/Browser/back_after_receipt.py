#!/usr/bin/python3
"""After the receipt, the person presses Back, then Forward, as on a phone. With JavaScript on the tab still shows
the same receipt when it comes back to the site; with it off, whatever the browser does with the form (shows the
page from its cache, or posts it again) must create no second submission. Prints what was seen, as JSON.

Usage: back_after_receipt.py BASE_URL on|off FILE
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium


def main():
    base, javascript, path = sys.argv[1], sys.argv[2] == "on", sys.argv[3]
    driver = chromium(360, 800, javascript=javascript)
    result = {}
    try:
        driver.get(base + "/?lang=ru")
        driver.find_element(By.ID, "files").send_keys(path)
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        result["code"] = driver.find_element(By.ID, "receipt-code").text
        driver.back()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        result["after_back_url"] = driver.current_url
        result["after_back_codes"] = [e.text for e in driver.find_elements(By.ID, "receipt-code")]
        driver.forward()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        result["after_forward_url"] = driver.current_url
        result["after_forward_codes"] = [e.text for e in driver.find_elements(By.ID, "receipt-code")]
        if not result["after_forward_codes"]:
            # Chromium's "Confirm Form Resubmission": the person reloads, and the form is posted again.
            driver.refresh()
            WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
            result["after_resubmit_heading"] = driver.find_element(By.TAG_NAME, "h1").text
            result["after_resubmit_text"] = driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
