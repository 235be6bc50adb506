"""The headless Chromium the browser tests drive (Selenium with Debian's chromedriver)."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def chromium(width=420, height=1400, javascript=True, language=None):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(argument)
    prefs = {}
    if language:
        options.add_argument(f"--lang={language}")
        prefs["intl.accept_languages"] = language
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def send_from_form(driver, base, lang, paths):
    """Opens the form in `lang`, chooses `paths`, presses Send, waits for the receipt; returns its code."""
    driver.get("%s/?lang=%s" % (base, lang))
    driver.find_element(By.ID, "files").send_keys("\n".join(paths))
    driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
    WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
    return driver.find_element(By.ID, "receipt-code").text


def wait_loaded(driver):
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
