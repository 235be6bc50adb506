#!/usr/bin/python3
"""Walks every page in English, Russian and Kazakh in a real headless Chromium, reaching the other languages
through the page's own switch, and reports for each page what a reader would find wrong:
English left on a Russian or Kazakh page, controls without a label, skipped heading levels, text too faint to
read, a page wider than a 320 px phone, and where the keyboard's Tab key goes and whether focus shows.

Usage: languages_and_access.py BASE_URL SCREENSHOT_DIR CATALOGUE_DIR FILE
Prints one JSON object: {"pages": [{"page", "lang", "english", "latin", ...}], "receipt_codes": {...}};
exits non-zero if a step fails.
"""
import json
import re
import sys

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

# Names that stay in Latin letters in every language (file formats, programs, the hash's name).
TECHNICAL = {
    "3GP",
    "JPEG", "PNG", "GIF", "WebP", "HEIC", "HEIF", "AVIF", "MP4", "MOV", "3GP", "AVI", "MKV", "WebM", "Matroska", "MP3",
    "M4A", "FLAC", "Ogg", "Vorbis",
    "Opus", "WAV", "AIFF", "QuickTime", "SHA-256", "SHA", "Tor", "Browser", "JavaScript", "GPS", "IP", "UTC", "Linux",
    "Windows", "macOS", "JSON",
}

# The text a reader (or a screen reader) gets, in document order, leaving out what is marked as another language
# (the switch's language names, technical names of file parts) and code samples, which are the same everywhere.
READABLE_TEXT = """
const page = document.documentElement.lang;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const parts = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const element = node.parentElement;
  if (!element || element.closest("code, pre, script, [hidden]")) continue;
  const marked = element.closest("[lang]");
  if (marked && marked.lang !== page) continue;
  if (element.getClientRects().length === 0 && !element.closest(".skip")) continue;
  parts.push(node.textContent);
}
for (const element of document.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
  for (const name of ["aria-label", "title", "placeholder", "alt"]) {
    if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
  }
}
parts.push(document.title);
return parts.join(" ").replace(/\\s+/g, " ");
"""

# Controls a person cannot identify without seeing the layout: no <label for>, no aria-label(ledby), no text.
UNLABELLED = """
const bad = [];
for (const control of document.querySelectorAll("input:not([type=hidden]), textarea, select, button")) {
  const labelled = (control.id && document.querySelector("label[for='" + control.id + "']")) ||
    control.getAttribute("aria-label") || control.getAttribute("aria-labelledby") ||
    (control.tagName === "BUTTON" && control.textContent.trim());
  if (!labelled) bad.push(control.outerHTML.slice(0, 80));
}
return bad;
"""

HEADINGS = "return Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => Number(h.tagName[1]));"

# WCAG contrast of each visible text element against the background it sits on (the canvas when none is set).
CONTRAST = """
function rgb(value) { const m = value.match(/[\\d.]+/g).map(Number); return m.length > 3 ? m : m.concat([1]); }
function luminance(c) {
  const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
// Where no element sets a background, the page's canvas shows: white, or dark in the dark scheme.
const probe = document.createElement("div");
probe.style.background = "Canvas";
document.body.appendChild(probe);
const canvas = rgb(getComputedStyle(probe).backgroundColor);
probe.remove();
function background(element) {
  for (let e = element; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) return c;
  }
  return canvas;
}
const worst = [];
for (const element of document.querySelectorAll("h1, h2, h3, p, li, label, a, button, dt, dd, .hint, .warning, .error")) {
  if (element.getClientRects().length === 0 || !element.textContent.trim()) continue;
  const style = getComputedStyle(element);
  const fg = rgb(style.color), bg = background(element);
  const [a, b] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05) * Number(style.opacity);
  if (ratio < 4.5) worst.push(element.tagName + "." + element.className + " " + ratio.toFixed(2));
}
return worst;
"""

OVERFLOW = "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"

START_AT_TOP = """
const start = document.createElement("span");
start.id = "tab-start";
start.tabIndex = -1;
document.body.insertBefore(start, document.body.firstChild);
start.focus();
window.scrollTo(0, 0);
"""

FOCUSED = """
const e = document.activeElement;
if (!e || e === document.body) return null;
// A file input that submit.js hides under its own picker button draws its focus ring on that button.
const drawn = e.matches("input[type=file].picker-native") && e.nextElementSibling ? e.nextElementSibling : e;
const style = getComputedStyle(drawn);
return {what: e.id || e.getAttribute("name") || e.getAttribute("href") || e.tagName.toLowerCase(),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
"""


def browser(width):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=%d,1200" % width):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    # A desktop window cannot be made narrower than about 500 px; emulate the phone's viewport instead.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    return driver


def examine(driver, page, lang, english, own, shots):
    """What is wrong on the current page, for a reader of `lang`."""
    # The page's style sheet must be applied before anything is measured (after submit.js replaces the document,
    # it loads again; on a busy machine that takes a moment).
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "var m = document.querySelector('main'); return m && getComputedStyle(m).maxWidth !== 'none';"))
    driver.save_screenshot("%s/%s-%s.png" % (shots, page, lang))
    text = driver.execute_script(READABLE_TEXT)
    report = {"page": page, "lang": lang, "html_lang": driver.execute_script("return document.documentElement.lang")}
    # English sentences from the English catalogue that are not also in this language's catalogue.
    # (On an English page every one counts, which shows the check can find them.)
    report["english"] = sorted({s for s in english if len(s) >= 12 and s in text and (lang == "en" or s not in own)})
    words = re.findall(r"[0-9]*[A-Za-z][A-Za-z0-9\-]*", re.sub(r"\b[0-9a-f]{64}\b", " ", text))
    report["latin"] = sorted({w.rstrip("-") for w in words if w.rstrip("-") not in TECHNICAL})
    report["unlabelled"] = driver.execute_script(UNLABELLED)
    report["headings"] = driver.execute_script(HEADINGS)
    report["low_contrast"] = driver.execute_script(CONTRAST)
    # The same in the dark scheme, which the style sheet adapts to.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    report["low_contrast_dark"] = driver.execute_script(CONTRAST)
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})
    report["overflow_px"] = driver.execute_script(OVERFLOW)
    # Keyboard: Tab from the top of the page, recording where focus lands and whether it is drawn.
    # Start from the top, as after loading the page: focus a throwaway element placed before everything.
    driver.execute_script(START_AT_TOP)
    stops = []
    for _ in range(14):
        # Key presses go to whatever has focus (send_keys on a file input would take the key as a file name).
        ActionChains(driver).send_keys(Keys.TAB).perform()
        focused = driver.execute_script(FOCUSED)
        if focused:
            stops.append(focused)
    driver.execute_script("var s = document.getElementById('tab-start'); if (s) s.remove();")
    report["tab_stops"] = [s["what"][:60] for s in stops]
    report["focus_hidden"] = [s["what"] for s in stops if not s["outline"]]
    return report


def main():
    base, shots, catalogues, upload = sys.argv[1:5]
    english = json.load(open(catalogues + "/en.json", encoding="utf-8"))
    own = {lang: set(json.load(open("%s/%s.json" % (catalogues, lang), encoding="utf-8")).values()) for lang in ("en", "ru", "kk")}
    english_texts = set(english.values())
    driver = browser(320)
    pages, codes = [], {}
    try:
        for lang in ("en", "ru", "kk"):
            driver.get(base + "/")
            if lang != "en":
                # The visible switch, as a person would use it.
                driver.find_element(By.CSS_SELECTOR, "nav.languages a[hreflang='%s']" % lang).click()
                WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == lang)
            pages.append(examine(driver, "form", lang, english_texts, own[lang], shots))

            driver.find_element(By.ID, "files").send_keys(upload)
            driver.find_element(By.CSS_SELECTOR, "form#submission-form button[type=submit]").click()
            WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.ID, "receipt-code")))
            codes[lang] = driver.find_element(By.ID, "receipt-code").text
            # Folded in the technical proof, so not shown (.text would be empty): read from the document.
            sha = driver.find_element(By.CSS_SELECTOR, "code.sha-original").get_attribute("textContent").strip()
            opening = driver.find_element(By.CSS_SELECTOR, "code.opening").get_attribute("textContent").strip()
            pages.append(examine(driver, "receipt", lang, english_texts, own[lang], shots))
            # Until then the receipt is what this tab shows at / (a reload must not lose it).
            driver.find_element(By.ID, "receipt-saved").click()

            driver.get("%s/status?lang=%s" % (base, lang))
            driver.find_element(By.ID, "code").send_keys(codes[lang])
            driver.find_element(By.CSS_SELECTOR, "form[action^='/status?'] button[type=submit]").click()
            WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located((By.ID, "result")))
            pages.append(examine(driver, "status", lang, english_texts, own[lang], shots))

            # The check by file, as a visitor does it: verify.js hashes the file in the browser and posts the hash
            # with the receipt's proof key; the result must come back in the language the visitor is reading, and
            # neither the hash nor the proof key may end up in the address (history, a proxy's log).
            driver.get("%s/verify?lang=%s" % (base, lang))
            driver.find_element(By.ID, "file").send_keys(upload)
            driver.find_element(By.ID, "opening").send_keys(opening)
            driver.find_element(By.CSS_SELECTOR, "form#verify-form button[type=submit]").click()
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "section.result.found"))
            if sha not in driver.page_source or opening in driver.current_url or sha in driver.current_url:
                raise SystemExit("verify: the file was not found by its hash and proof key, or they went into the address")
            pages.append(examine(driver, "verify", lang, english_texts, own[lang], shots))

            driver.get("%s/no-such-page?lang=%s" % (base, lang))
            pages.append(examine(driver, "not-found", lang, english_texts, own[lang], shots))
    finally:
        driver.quit()
    print(json.dumps({"pages": pages, "receipt_codes": codes}, ensure_ascii=False))


if __name__ == "__main__":
    main()
