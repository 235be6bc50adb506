#!/usr/bin/python3
"""A 15,000-character Russian message typed into the form on a phone (JavaScript off), sent with a photo; then one
longer than the limit, which the text box stops at the limit. Prints what was seen, as JSON.

Usage: long_russian_message.py BASE_URL FILE
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium

WORDS = "я видел это на мосту "


def message(characters):
    return (WORDS * (characters // len(WORDS) + 1))[:characters]


def type_into(driver, box, text):
    """Types `text` into `box` as a keyboard's input method commits it: one real input event (Chromium's
    Input.insertText), which the text box's maxlength limits as it does typing, in a moment rather than minutes."""
    box.click()
    driver.execute_cdp_cmd("Input.insertText", {"text": text})


def main():
    base, path = sys.argv[1], sys.argv[2]
    driver = chromium(360, 800, javascript=False)
    result = {}
    try:
        driver.get(base + "/?lang=ru")
        box = driver.find_element(By.ID, "message")
        result["maxlength"] = box.get_attribute("maxlength")
        type_into(driver, box, message(15_000))
        result["typed"] = len(box.get_attribute("value"))
        driver.find_element(By.ID, "files").send_keys(path)
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.TAG_NAME, "h1")))
        result["heading"] = driver.find_element(By.TAG_NAME, "h1").text
        result["code"] = "".join(e.text for e in driver.find_elements(By.ID, "receipt-code"))

        driver.get(base + "/?lang=ru")
        box = driver.find_element(By.ID, "message")
        limit = int(box.get_attribute("maxlength"))
        type_into(driver, box, message(limit + 50))
        result["over_limit_kept"] = len(box.get_attribute("value"))
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
