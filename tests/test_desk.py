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


def test_the_samples_folder_holds_one_page():
    assert find_pages(os.path.join(ROOT, "samples")) == [os.path.join(ROOT, "samples", "yaowen.yaml")]


def test_a_page_file_is_itself(tmp_path):
    page = tmp_path / "p.yaml"
    page.write_text("headline: {main: 一}\n", encoding="utf-8")
    assert find_pages(str(page)) == [str(page)]
    with pytest.raises(UsageError):
        find_pages(str(tmp_path / "missing.yaml"))
