#!/usr/bin/python3
"""With JavaScript on: after a submission, the receipt survives a reload (with a warning before leaving) and stays
until "I have saved my code" is pressed; the code is never in the address or the history.

Usage: js_on_receipt_kept.py BASE_URL FILE
Prints one JSON object with what the page showed; exits non-zero if a step fails.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, console_errors, send_from_form


ASKS_BEFORE_LEAVING = """
var event = new Event("beforeunload", { cancelable: true });
window.dispatchEvent(event);
return event.defaultPrevented;
"""


def leave(driver):
    """Whether the page asks the browser to confirm leaving (its beforeunload handler cancels the event: WebDriver
    itself accepts such prompts, so the dialog is not seen here), then reloads it."""
    asks = driver.execute_script(ASKS_BEFORE_LEAVING)
    driver.refresh()
    return asks


def main():
    base, path = sys.argv[1], sys.argv[2]
    driver = chromium(360, 800)
    result = {}
    try:
        code = send_from_form(driver, base, "ru", [path])
        result["code"] = code
        result["kept_note"] = driver.find_element(By.CSS_SELECTOR, ".receipt-kept").text
        result["warned_on_reload"] = leave(driver)
        WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        result["code_after_reload"] = driver.find_element(By.ID, "receipt-code").text
        result["url"] = driver.current_url
        result["history_urls"] = driver.execute_script("return [location.href, document.referrer, history.length]")
        driver.find_element(By.ID, "receipt-saved").click()
        result["stored_after_saved"] = driver.execute_script("return sessionStorage.getItem('evidence-receipt')")
        result["warned_after_saved"] = leave(driver)
        WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.ID, "submission-form")))
        result["form_after_saved"] = True
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
