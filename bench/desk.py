#!/usr/bin/env python3
"""The proof desk's latency, as the desk sees it: `zhpaper serve` on a copy of the sample 要闻版 in a
temporary folder, Debian's chromium (through chromium-driver) showing it, and `--edits` saves of the
page file (a headline's characters reordered, then put back: no new character, so no font to prepare).
For each save: save → the new proof on screen (decoded and swapped in: `window.zhpaperDesk.shown`),
the build's own time, and build published → proof on screen (the push, the image's load and decode).

    python bench/desk.py [--edits 9] [--root DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
         "--remote-debugging-pipe")
EDIT = ("全市秋粮收获基本结束", "全市秋粮基本收获结束")


def _stats(xs: list[float]) -> dict:
    return {"median_ms": round(statistics.median(xs)), "worst_ms": round(max(xs)), "runs": len(xs)}


def run(root: Path = ROOT, edits: int = 9, cache: str | None = None) -> dict:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    tmp = Path(tempfile.mkdtemp(prefix="zhpaper-bench-desk-"))
    proc = driver = None
    try:
        shutil.copy(root / "samples" / "yaowen.yaml", tmp / "yaowen.yaml")
        shutil.copytree(root / "samples" / "assets", tmp / "assets")
        env = {**os.environ, "PYTHONPATH": str(root), "ZHPAPER_CACHE": cache or str(tmp / "cache")}
        proc = subprocess.Popen([sys.executable, "-m", "layout.app.command", "serve", "yaowen.yaml", "--port", "0", "-q"],
                                cwd=tmp, env=env, stderr=subprocess.PIPE, text=True)
        address = next(m.group(1) for line in proc.stderr if (m := re.match(r"proof desk: (\S+)", line)))
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in (*FLAGS, f"--user-data-dir={tmp / 'profile'}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.get(address)
        shown = lambda: driver.execute_script("return window.zhpaperDesk && window.zhpaperDesk.shown")  # noqa: E731
        state = lambda: driver.execute_script("const d = window.zhpaperDesk; return d.pages[d.current]")  # noqa: E731
        while not shown():
            time.sleep(0.01)
        page = tmp / "yaowen.yaml"
        to_screen, builds, push = [], [], []
        for i in range(edits + 1):  # the first save warms the session's tables for this edit; not counted
            before = shown()["version"]
            text = page.read_text(encoding="utf-8")
            a, b = EDIT if i % 2 == 0 else EDIT[::-1]
            saved = time.time()
            page.write_text(text.replace(a, b, 1), encoding="utf-8")
            while (now := shown())["version"] == before:
                time.sleep(0.002)
            st = state()
            if i:
                to_screen.append(now["at"] - saved * 1000)
                builds.append(st["build_ms"])
                push.append(now["at"] - st["published_ms"])
            time.sleep(0.3)
        return {"save_to_screen": _stats(to_screen), "build": _stats(builds), "published_to_screen": _stats(push)}
    finally:
        if driver is not None:
            driver.quit()
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--edits", type=int, default=9)
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    got = run(args.root.resolve(), args.edits)
    for name, s in got.items():
        print(f"{name:>22}: median {s['median_ms']} ms, worst {s['worst_ms']} ms ({s['runs']} saves)")
    if args.json:
        args.json.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
