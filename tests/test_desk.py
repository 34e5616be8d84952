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
