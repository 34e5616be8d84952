"""The limits of a page file (layout.source.limits), in process: the message of a figure over its limit,
a template's capacity, and the capacity check before any line is set — with figures computed here."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from layout.base.errors import InputError
from layout.source import limits
from layout.source.load import load_page


def test_over_formats_both_figures_with_thousands_separators():
    assert limits.over(limits.PARAGRAPH, 200_000) == "a paragraph: 200,000 characters, at most 5,000"
    assert limits.over(limits.ITEMS, 13) == "the page's items: 13 items, at most 12"
    assert limits.over(limits.FILE_BYTES, 2_000_000) == "the file: 2,000,000 bytes, at most 1,048,576"


def test_the_table_holds_each_limit_once_with_a_reason_and_a_hint():
    names = [x.name for x in limits.TABLE]
    assert len(names) == len(set(names)) == 16
    assert all(x.most > 0 and x.reason and x.hint for x in limits.TABLE)


def test_capacity_is_columns_times_characters_times_rows():
    assert limits.capacity_chars(SimpleNamespace(columns=8, column_chars=13, rows=104)) == 10_816
    assert limits.capacity_chars(SimpleNamespace(columns=2, column_chars=3, rows=5)) == 30


def page_of(tmp_path, paragraphs: list[int], name: str = "page.yaml"):
    """A page of one story per entry, each story a one-character title and a paragraph of that many 字."""
    lines = ["edition: {paper: 报, date: 2024-03-01, page: 3, page_name: 版}", "stories:"]
    for k, n in enumerate(paragraphs):
        lines += [f"  - id: s{k}", "    headline: {title: 题}", "    sections: [{paragraphs: " + "字" * n + "}]"]
    path = os.path.join(str(tmp_path), name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return load_page(path)[0], path


T = SimpleNamespace(columns=2, column_chars=3, rows=5)  # 30 characters; a page takes at most 90


def test_a_page_at_three_times_its_type_area_passes(tmp_path):
    page, _ = page_of(tmp_path, [44, 44])  # 2 × (1 + 44) = 90
    assert limits.check_capacity(page, T) is None


def test_a_page_one_character_over_is_refused_naming_its_largest_item(tmp_path):
    page, path = page_of(tmp_path, [44, 45, 1])  # 45 + 46 + 2 = 93
    with pytest.raises(InputError) as e:
        limits.check_capacity(page, T)
    assert str(e.value) == (
        f"{path}:6:5 stories[1]: the page's text is 93 characters; its type area holds about 30 (2 columns × 3 "
        "characters × 5 lines) and a page takes at most 3 times that, 90, even with stories continued on other "
        "pages — s1 has 46 of them (hint: cut the text, or move stories to another page)")


def test_a_one_story_page_over_does_not_name_the_story(tmp_path):
    page, path = page_of(tmp_path, [1200])
    big = SimpleNamespace(columns=4, column_chars=10, rows=10)  # 400, at most 1,200
    with pytest.raises(InputError) as e:
        limits.check_capacity(page, big)
    assert str(e.value) == (
        f"{path}:3:5 stories[0]: the page's text is 1,201 characters; its type area holds about 400 (4 columns × 10 "
        "characters × 10 lines) and a page takes at most 3 times that, 1,200, even with stories continued on other "
        "pages (hint: cut the text, or move stories to another page)")
