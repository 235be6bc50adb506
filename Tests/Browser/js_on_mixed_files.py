#!/usr/bin/python3
"""With JavaScript on: a photo, a file of no accepted type and another photo are chosen. The page must say at once
which one cannot be sent, send the two photos, and show a receipt that lists the third in its place. Then only the
unsendable file is chosen: the page must say so and send nothing.

Usage: js_on_mixed_files.py BASE_URL SCREENSHOT_DIR PHOTO UNSENDABLE PHOTO
Prints one JSON object with what the page showed; exits non-zero if a step fails.
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, console_errors


def main():
    base, shots, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    driver = chromium(360, 800)
    result = {}
    try:
        driver.get(base + "/")
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "unsendable").text.strip())
        result["said_at_once"] = driver.find_element(By.ID, "unsendable").text
        driver.save_screenshot(shots + "/unsendable-js.png")
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        driver.execute_script("document.querySelector('section.refused').scrollIntoView()")
        driver.save_screenshot(shots + "/receipt-refused-js.png")
        result["url"] = driver.current_url
        result["files_on_receipt"] = len(driver.find_elements(By.CSS_SELECTOR, "section.file"))
        result["refused"] = [{"position": item.get_attribute("data-position"), "text": item.text}
                             for item in driver.find_elements(By.CSS_SELECTOR, "section.refused li")]
        result["console_errors"] = console_errors(driver)
        # Until then the receipt is what this tab shows at / (a reload must not lose it).
        driver.find_element(By.ID, "receipt-saved").click()

        driver.get(base + "/")
        driver.find_element(By.ID, "files").send_keys(files[1])
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "unsendable").text.strip())
        result["nothing_sendable"] = driver.find_element(By.ID, "unsendable").text
        result["stayed_on_form"] = bool(driver.find_elements(By.ID, "submission-form")) and not driver.find_elements(By.ID, "upload-progress")
        result["button_enabled"] = driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").is_enabled()
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
