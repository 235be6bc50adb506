#!/usr/bin/python3
"""After the receipt, the person presses Back, then Forward, as on a phone. With JavaScript on the tab still shows
the same receipt when it comes back to the site; with it off, whatever the browser does with the form (shows the
page from its cache, or posts it again) must create no second submission. Prints what was seen, as JSON.

Usage: back_after_receipt.py BASE_URL on|off FILE
"""
import json
import sys

from selenium.webdriver.common.by import By

from browser import chromium, send_from_form, wait_loaded


def main():
    base, javascript, path = sys.argv[1], sys.argv[2] == "on", sys.argv[3]
    driver = chromium(360, 800, javascript=javascript)
    result = {}
    try:
        result["code"] = send_from_form(driver, base, "ru", [path])
        driver.back()
        wait_loaded(driver)
        result["after_back_url"] = driver.current_url
        result["after_back_codes"] = [e.text for e in driver.find_elements(By.ID, "receipt-code")]
        driver.forward()
        wait_loaded(driver)
        result["after_forward_url"] = driver.current_url
        result["after_forward_codes"] = [e.text for e in driver.find_elements(By.ID, "receipt-code")]
        if not result["after_forward_codes"]:
            # Chromium's "Confirm Form Resubmission": the person reloads, and the form is posted again.
            driver.refresh()
            wait_loaded(driver)
            result["after_resubmit_heading"] = driver.find_element(By.TAG_NAME, "h1").text
            result["after_resubmit_text"] = driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
