#!/usr/bin/python3
"""On a phone-sized screen (360x800), in the given language: sends files with JavaScript off and measures the
receipt as the person first sees it (is the code, and the link to save it, on the first screen? how tall is the
page? is the technical proof folded, and whole once unfolded?); then, with JavaScript on, reads the file pickers of
the form and of the status page's "add more files": the words on the button and the line saying what was chosen,
which must be the page's language, not the (English) browser's, and the focus ring when reached with Tab.

Usage: phone_receipt.py BASE_URL LANG SCREENSHOT_DIR FILE...
Prints one JSON object; exits non-zero if a step fails.
"""
import json
import sys

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from browser import chromium, console_errors

MEASURE = """
function box(element) {
  if (!element) return null;
  const r = element.getBoundingClientRect();
  return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY, height: r.height};
}
// Inside a closed <details>, and so not shown (checkVisibility sees the closed details' hidden content).
const folded = e => !!e.closest("details:not([open])") && !e.checkVisibility();
const save = document.querySelector("a[download$='.txt']");
return {
  viewport: window.innerHeight,
  page_height: document.documentElement.scrollHeight,
  code: box(document.getElementById("receipt-code")),
  save_text: box(save),
  save_name: save ? save.getAttribute("download") : null,
  first_details: box(document.querySelector("main details")),
  proofs_folded: Array.from(document.querySelectorAll("code.sha-original, code.sha-cleaned, code.opening, pre.checkpoint")).map(folded),
  commands_folded: Array.from(document.querySelectorAll("main pre, main code"))
    .filter(e => /sha256sum|certutil|shasum/.test(e.textContent)).map(folded),
  overflow_px: document.documentElement.scrollWidth - document.documentElement.clientWidth,
};
"""

UNFOLDED = """
const lines = e => { const r = document.createRange(); r.selectNodeContents(e);
  return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size; };
return {
  shown: Array.from(document.querySelectorAll("code.sha-original, code.opening, pre.checkpoint")).map(e => e.checkVisibility()),
  command_lines: Array.from(document.querySelectorAll("main pre"))
    .filter(e => /sha256sum|certutil|shasum/.test(e.textContent)).map(e => [e.textContent, lines(e)]),
  overflow_px: document.documentElement.scrollWidth - document.documentElement.clientWidth,
};
"""

PICKER = """
const input = document.getElementById(arguments[0]);
const button = document.querySelector("label[for='" + arguments[0] + "'] .picker-button");
const chosen = document.getElementById(arguments[0] + "-chosen");
const seen = e => !!e && e.getClientRects().length > 0 && e.getBoundingClientRect().width > 2 && e.getBoundingClientRect().height > 2;
return {
  button: button ? button.textContent.trim() : null,
  button_seen: seen(button),
  chosen: chosen ? chosen.textContent.trim() : null,
  native_seen: seen(input),
  focused: document.activeElement === input,
  // One label, as axe asks ("multiple-label"): assistive technologies read a second one unreliably.
  labels: input.labels.length,
  ring: button ? getComputedStyle(button).outlineStyle !== "none" && parseFloat(getComputedStyle(button).outlineWidth) >= 2 : false,
};
"""


def browser(javascript):
    # An English browser, so that words in the page's language can only come from the page.
    driver = chromium(360, 800, javascript=javascript, language="en-US")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    return driver


def picker(driver, field, files):
    """The picker for input `field`: before choosing, when reached with Tab, after choosing `files`."""
    seen = {"before": driver.execute_script(PICKER, field)}
    # Keyboard: Tab from just before the picker lands on the real file input, whose focus ring shows on our button.
    driver.execute_script(
        "var start = document.createElement('span'); start.tabIndex = -1;"
        "var label = document.querySelector('label[for=' + arguments[0] + ']');"
        "label.parentNode.insertBefore(start, label); start.focus();", field)
    ActionChains(driver).send_keys(Keys.TAB).perform()
    seen["focused"] = driver.execute_script(PICKER, field)
    driver.find_element(By.ID, field).send_keys("\n".join(files))
    seen["after"] = driver.execute_script(PICKER, field)
    return seen


def main():
    base, lang, shots, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    result = {}
    driver = browser(javascript=False)
    try:
        driver.get("%s/?lang=%s" % (base, lang))
        driver.find_element(By.ID, "files").send_keys("\n".join(files))
        driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
        WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
        WebDriverWait(driver, 20).until(lambda d: d.execute_script(
            "var m = document.querySelector('main'); return m && getComputedStyle(m).maxWidth !== 'none';"))
        driver.save_screenshot("%s/receipt-phone-%s.png" % (shots, lang))
        result["receipt"] = driver.execute_script(MEASURE)
        result["receipt_code"] = driver.find_element(By.ID, "receipt-code").text
        result["url"] = driver.current_url
        # Unfolded (a tap on each summary works without JavaScript): each command on one line, the page no wider.
        for summary in driver.find_elements(By.CSS_SELECTOR, "main details > summary"):
            summary.click()
        result["unfolded"] = driver.execute_script(UNFOLDED)
    finally:
        driver.quit()

    driver = browser(javascript=True)
    try:
        driver.get("%s/?lang=%s" % (base, lang))
        result["form"] = picker(driver, "files", files)
        driver.save_screenshot("%s/picker-%s.png" % (shots, lang))
        # "Add more files" on the status page, reached with the code of the receipt above.
        driver.get("%s/status?lang=%s" % (base, lang))
        driver.find_element(By.ID, "code").send_keys(result["receipt_code"])
        driver.find_element(By.CSS_SELECTOR, "form[action^='/status?'] button[type=submit]").click()
        WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "add-form")))
        result["status"] = picker(driver, "add-files", files[:1])
        driver.get("%s/verify?lang=%s" % (base, lang))
        result["verify"] = picker(driver, "file", files[:1])
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
