"""The headless Chromium the browser tests drive (Selenium with Debian's chromedriver)."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


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
