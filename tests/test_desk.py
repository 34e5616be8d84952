"""`zhpaper serve`'s choices before anything is served: which files of a folder are pages."""

from __future__ import annotations

import os

import pytest

from layout.app.desk import find_pages
from layout.base.errors import UsageError

from support import ROOT


def test_a_folder_shows_its_page_files_and_not_the_files_they_read(tmp_path):
    (tmp_path / "a-page.yaml").write_text("edition: {paper: 示例日报}\nheadline: {main: 一}\n", encoding="utf-8")
    (tmp_path / "b-page.yml").write_text("stories:\n  - file: story.yaml\n", encoding="utf-8")
    (tmp_path / "story.yaml").write_text("headline: {main: 二}\n", encoding="utf-8")
    (tmp_path / "mini-template.yaml").write_text("name: mini\ntrim: {width_mm: 100, height_mm: 100}\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("edition: [\n", encoding="utf-8")
    (tmp_path / ".hidden.yaml").write_text("edition: {}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("edition: {}\n", encoding="utf-8")
    got = [os.path.basename(p) for p in find_pages(str(tmp_path))]
    assert got == ["a-page.yaml", "b-page.yml"]


def test_the_samples_folder_holds_one_page_and_an_edition_file_is_none():
    assert find_pages(os.path.join(ROOT, "samples")) == [os.path.join(ROOT, "samples", "yaowen.yaml")]


def test_a_page_file_is_itself(tmp_path):
    page = tmp_path / "p.yaml"
    page.write_text("headline: {main: 一}\n", encoding="utf-8")
    assert find_pages(str(page)) == [str(page)]
    with pytest.raises(UsageError):
        find_pages(str(tmp_path / "missing.yaml"))


def test_an_editions_pages_come_each_before_the_pages_that_take_its_stories_rest(tmp_path):
    from layout.app.desk import edition_pages, is_edition
    from layout.pipeline import BuildOptions

    edition = os.path.join(ROOT, "samples", "edition.yaml")
    assert is_edition(edition) and not is_edition(os.path.join(ROOT, "samples", "yaowen.yaml"))
    pages, issue = edition_pages(edition, str(tmp_path), BuildOptions())
    assert [p.id for p in pages] == ["p01", "p02", "p03", "p04", "p05", "p06"]  # page 1 before page 4, its 转版
    p4 = next(p for p in pages if p.number == 4)
    assert p4.opts.out_pdf == str(tmp_path / "p04.pdf") and p4.opts.proof == str(tmp_path / "p04.png")
    assert p4.name == "4 社会 · p04-shehui.yaml" and issue.page(4).file == p4.path


def test_an_edition_page_is_built_with_the_editions_values_and_its_slots(tmp_path):
    from layout.app.desk import Desk, edition_pages
    from layout.pipeline import BuildOptions
    from layout.source.edition import plan

    pages, issue = edition_pages(os.path.join(ROOT, "samples", "edition.yaml"), str(tmp_path), BuildOptions())
    desk = Desk(pages, {}, "127.0.0.1", 0, None, None, issue=issue)
    desk.plan = plan(issue)
    p4 = next(p for p in pages if p.number == 4)
    e = desk.options(p4).edition
    assert (e.paper, e.date, e.page, e.page_name) == (issue.paper, issue.date, 4, "社会")
    assert e.slots == (("1/gongnuan", None),)  # page 1 not built yet: the slot is empty
    (tmp_path / "p01.jump-gongnuan.yaml").write_text("lead: 下文\n", encoding="utf-8")
    assert desk.options(p4).edition.slots == (("1/gongnuan", (str(tmp_path / "p01.jump-gongnuan.yaml"), "lead: 下文\n")),)
    p1 = next(p for p in pages if p.number == 1)
    assert desk.options(p1).edition.slots == ()


def test_the_desk_shows_an_edition_and_a_cut_that_moves_rebuilds_the_page_it_goes_on(tmp_path, zhpaper_cache):
    """`zhpaper serve EDITION.yaml` on three pages of a copy of the sample edition (1, 4 and the ad page 6):
    every page built with its edition's values (page 4 holds the rest of page 1's gongnuan); an edit on
    page 1 that lengthens gongnuan, saved while the first builds still run, rebuilds page 1 and page 4
    as well, though page 4's own file did not change."""
    import http.client
    import json
    import re
    import shutil
    import subprocess
    import sys
    import threading
    import time

    from support import cli_env

    shutil.copytree(os.path.join(ROOT, "samples"), tmp_path / "samples", ignore=shutil.ignore_patterns("assets"))
    os.symlink(os.path.join(ROOT, "samples", "assets"), tmp_path / "samples" / "assets")
    edition = (tmp_path / "samples" / "edition.yaml").read_text(encoding="utf-8")
    kept = [ln for ln in edition.split("\n") if not re.match(r"  - \{page: [235],", ln)]
    (tmp_path / "samples" / "edition.yaml").write_text("\n".join(kept), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "layout.app.command", "serve", "samples/edition.yaml", "-o", "out",
                             "--port", "0", "-q"], cwd=tmp_path, env={**cli_env(zhpaper_cache), "PYTHONPATH": ROOT},
                            stderr=subprocess.PIPE, text=True)
    said: list[str] = []
    try:
        port = next(int(m.group(1)) for line in proc.stderr if (m := re.search(r"127\.0\.0\.1:(\d+)/", line)))
        threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True).start()

        def state() -> dict:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/state", headers={"Host": f"127.0.0.1:{port}"})
            got = json.loads(c.getresponse().read())
            c.close()
            return got

        def until(fn, timeout=300):
            end = time.monotonic() + timeout
            while not (got := fn()):
                assert time.monotonic() < end, f"the desk did not get there: {state()}; it said {said[-5:]}"
                time.sleep(0.1)
            return got

        until(lambda: "p01" in state()["pages"])
        # Page 1 is built, pages 4 and 6 are being built: the save comes while the first builds run.
        page1 = tmp_path / "samples" / "edition" / "p01-yaowen.yaml"
        text = page1.read_text(encoding="utf-8")
        anchor = "          - 市城市管理局负责人表示，明年将继续推进剩余老旧管网改造"
        assert anchor in text
        page1.write_text(text.replace(anchor, "          - 工作人员说，系统上线后，居民报修数量比去年同期下降了一半以上。\n" + anchor, 1),
                         encoding="utf-8")
        now = until(lambda: len((s := state())["pages"]) == 3 and s["pages"]["p01"]["version"] >= 2
                    and s["pages"]["p04"]["attempt"] >= 2 and s)
        assert [p["id"] for p in now["config"]["pages"]] == ["p01", "p04", "p06"]
        assert "gongnuan" in [m["id"] for m in now["pages"]["p04"]["modules"]]  # the rest of page 1's story
        assert (tmp_path / "out" / "p04.pdf").is_file() and (tmp_path / "out" / "p01.jump-gongnuan.yaml").is_file()
        assert now["pages"]["p06"]["attempt"] == 1  # a page the edit does not reach: built once
    finally:
        proc.terminate()
        assert proc.wait(timeout=20) == 0
