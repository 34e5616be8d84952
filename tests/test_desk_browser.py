"""The proof desk in a real browser: Debian's chromium driven through chromium-driver (both installed
by set-up, tools/setup_system.sh; missing, these tests fail, they never skip). One `zhpaper serve`
process (the sample 要闻版, copied into a temporary folder) and one browser serve every test of the
module; each test leaves the page file as it found it.

The browser is reached by address only (chromium-driver on 127.0.0.1, chromium through a pipe): a bare
Debian root, as CI's fresh machine is, has no /etc/hosts to say what "localhost" is.

The desk is watched as a person watches it: the proof on screen (`window.zhpaperDesk.shown`, set
when the new image is decoded and swapped in), the outlines drawn over it, the finding's line shown
in the source panel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time

import pytest

from support import ROOT, cli_env

pytestmark = pytest.mark.browser

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--window-size=1400,1000", "--remote-debugging-pipe")


@pytest.fixture(scope="module")
def desk(tmp_path_factory, zhpaper_cache):
    """`zhpaper serve` on the sample page: (the page file, the desk's address, the process)."""
    work = tmp_path_factory.mktemp("desk")
    shutil.copy(os.path.join(ROOT, "samples", "yaowen.yaml"), work / "yaowen.yaml")
    shutil.copytree(os.path.join(ROOT, "samples", "assets"), work / "assets")
    env = {**cli_env(zhpaper_cache), "PYTHONPATH": ROOT}
    proc = subprocess.Popen([sys.executable, "-m", "layout.app.command", "serve", "yaowen.yaml", "-o", "out", "--port", "0",
                             "--editor-url", "vscode://file/{path}:{line}:{col}"],
                            cwd=work, env=env, stderr=subprocess.PIPE, text=True)
    address = None
    for line in proc.stderr:
        m = re.match(r"proof desk: (http://127\.0\.0\.1:\d+/)", line)
        if m:
            address = m.group(1)
            break
    assert address, "zhpaper serve printed no address"
    threading.Thread(target=proc.stderr.read, daemon=True).start()  # the build lines: drained, never blocking it
    yield work / "yaowen.yaml", address, proc
    proc.terminate()  # SIGTERM closes the desk as Ctrl-C does
    assert proc.wait(timeout=20) == 0


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """chromium through chromium-driver, both by address: the driver is started here on 127.0.0.1 (selenium's
    own service would look up "localhost", which a bare Debian root without /etc/hosts cannot resolve)."""
    import socket

    from selenium import webdriver

    assert os.path.exists(CHROMIUM) and os.path.exists(DRIVER), "set-up installs chromium and chromium-driver"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    driver_proc = subprocess.Popen([DRIVER, f"--port={port}", "--allowed-ips=127.0.0.1"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = None
    try:
        driver = wait_for(lambda: _session(f"http://127.0.0.1:{port}", options), timeout=120, step=0.1)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        driver_proc.terminate()
        driver_proc.wait(timeout=10)


def _session(url, options):
    """A browser session from the driver at `url`, or None while the driver is not listening yet."""
    from selenium import webdriver
    from urllib3.exceptions import MaxRetryError

    try:
        return webdriver.Remote(command_executor=url, options=options)
    except MaxRetryError:
        return None


def wait_for(fn, timeout=120.0, step=0.02):
    """`fn()` once it is truthy; a deadline only against a hang (at load average 16 a cold start took > 30 s)."""
    end = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        assert time.monotonic() < end, "the desk did not get there in time"
        time.sleep(step)


def shown(browser):
    return browser.execute_script("return window.zhpaperDesk && window.zhpaperDesk.shown")


def settled(browser) -> None:
    """Until the desk has shown its latest build and heard nothing for a moment (a test's clicks then
    meet the elements they found, not ones a late build replaced)."""
    wait_for(lambda: browser.execute_script(
        "const d = window.zhpaperDesk; const st = d && d.pages[d.current];"
        "return d && d.shown && st && st.version === d.shown.version && Date.now() - d.received > 400"))


@pytest.fixture
def opened(desk, browser):
    page, address, _ = desk
    if not (browser.current_url or "").startswith(address):
        browser.get(address)
    settled(browser)
    return page, browser


def test_the_desk_shows_the_proof(opened):
    _, browser = opened
    size = browser.execute_script("const i = document.getElementById('proof'); return [i.naturalWidth, i.naturalHeight]")
    assert size[0] > 500 and size[1] > 700  # a broadsheet at 50 dpi: 768 × 1069
    assert "built" in browser.find_element("id", "status").text
    assert browser.execute_script("return performance.getEntriesByType('resource')"
                                  ".every(e => e.name.startsWith(location.origin))")  # nothing from elsewhere


def test_a_save_shows_the_new_proof(opened):
    """The new proof is on screen as soon as the build is done (0.25–0.35 s after the save here, of which
    the build is 0.2–0.3 s); no deadline is asserted: on a machine as busy as a test run's, time is not
    the page's to promise."""
    page, browser = opened
    before = shown(browser)["version"]
    text = page.read_text(encoding="utf-8")
    edited = text.replace("全市秋粮收获基本结束", "全市秋粮基本收获结束", 1)  # its own characters: no font to prepare
    assert edited != text
    try:
        page.write_text(edited, encoding="utf-8")
        now = wait_for(lambda: (s := shown(browser)) and s["version"] > before and s)
        assert browser.find_element("id", "proof").get_attribute("data-version") == str(now["version"])
        assert browser.find_elements("css selector", "#changes .change")  # the retitled headline is marked
    finally:
        page.write_text(text, encoding="utf-8")
    wait_for(lambda: shown(browser)["version"] > now["version"])


def test_clicking_a_finding_shows_its_line(opened):
    page, browser = opened
    lines = page.read_text(encoding="utf-8").split("\n")
    items = browser.find_elements("css selector", "#findings .finding[data-line]:not([data-line=''])")
    assert items
    for item in (items[0], items[-1]):
        n = int(item.get_attribute("data-line"))
        item.click()
        current = wait_for(lambda: browser.find_elements("css selector", "#source-text span.current"))[0]
        assert current.text.strip() == lines[n - 1].strip() and current.get_attribute("data-n") == str(n)
        link = browser.find_element("id", "editor-link").get_attribute("href")
        assert link == f"vscode://file/{page}:{n}:{item.get_attribute('data-col')}"


def test_the_outlines_show_each_module_with_its_rank_and_figures(opened):
    page, browser = opened
    import json

    layer = browser.find_element("id", "outlines")
    assert not layer.is_displayed()
    browser.find_element("id", "toggle-outlines").click()
    assert layer.is_displayed()
    manifest = json.loads((page.parent / "out" / "yaowen.manifest.json").read_text(encoding="utf-8"))
    report = json.loads((page.parent / "out" / "yaowen.report.json").read_text(encoding="utf-8"))
    boxes = browser.find_elements("css selector", "#outlines .module")
    assert sorted(b.get_attribute("data-id") for b in boxes) == sorted(s["id"] for s in manifest["stories"])
    first = next(b for b in boxes if b.get_attribute("data-id") == report["figures"]["stories"][0])
    assert first.text.startswith("1 · ")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).move_to_element(first).perform()
    tip = wait_for(lambda: (t := browser.find_element("id", "tip")).is_displayed() and t)
    lines = report["figures"][report["figures"]["stories"][0]]["body_lines"]
    assert re.search(rf"正文 lines\s*{lines}\b", tip.text), tip.text
    browser.find_element("id", "toggle-outlines").click()
    assert not layer.is_displayed()


def test_a_bad_save_shows_its_error_and_keeps_the_last_proof(opened):
    page, browser = opened
    before = shown(browser)
    text = page.read_text(encoding="utf-8")
    try:
        page.write_text(text.replace("template: broadsheet", "template: broadshet", 1), encoding="utf-8")
        banner = wait_for(lambda: (e := browser.find_element("id", "error")).is_displayed() and e)
        assert "unknown template 'broadshet'" in banner.text
        assert shown(browser)["version"] == before["version"]  # the last good proof stays
    finally:
        page.write_text(text, encoding="utf-8")
    wait_for(lambda: not browser.find_element("id", "error").is_displayed() and shown(browser)["version"] > before["version"])
