"""What a page prints, read off the model in process (layout.source.texts): the 报眉 strings, every
text field in reading order, the characters each font role draws, and where a character stands."""

from __future__ import annotations

import os

import pytest

from layout.source.load import load_page
from layout.source.texts import (chars_by_role, folio_strings, folio_text, item_chars, locate, places,
                                 role_fields)

HEAD = """edition:
  paper: 测试日报
  date: 2024-03-01
  page: 3
  page_name: 要闻
  editor: 编甲
"""
ONE = HEAD + """headline:
  kicker: 引题
  title: [主一, 主二]
  subtitle: 副题
byline:
  - {role: 文, name: 记者}
sidebar:
  title: 框题
  items: [框一]
lead: 导语
photos:
  - {id: a, file: a.jpg, caption: 图说一, credit: 摄一}
  - {id: b, file: a.jpg, caption: 图说二, group: end}
  - {id: c, file: a.jpg, caption: 图说三, group: lead}
sections:
  - heading: 小题
    paragraphs: [段一, 段二]
"""


def load(tmp_path, text: str):
    (tmp_path / "a.jpg").write_bytes(b"x")
    path = os.path.join(str(tmp_path), "page.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return load_page(path)[0], path


@pytest.mark.parametrize("date, weekday", [("2024-03-01", "五"), ("2024-03-03", "日"), ("2024-03-04", "一"),
                                           ("2021-01-19", "二")])
def test_folio_strings_name_the_weekday(date, weekday):
    y, m, d = (int(x) for x in date.split("-"))
    left, right = folio_strings("某报", date, 12, "社会", "")
    assert left == f"某报　{y}年{m}月{d}日　星期{weekday}" and right == "第12版　社会"
    assert folio_strings("某报", date, 1, "要闻", "乙")[0] == f"某报　{y}年{m}月{d}日　星期{weekday}　责编：乙"


def test_folio_text_holds_every_digit_and_no_ideographic_space(tmp_path):
    page, _ = load(tmp_path, HEAD + "headline: {title: 标}\n")
    assert folio_text(page) == "测试日报2024年3月1日星期五责编：编甲第3版要闻责编：0123456789"


def test_fields_in_reading_order_with_their_roles(tmp_path):
    page, _ = load(tmp_path, ONE)
    assert role_fields(page) == [
        ("kicker", "headline.kicker", "引题"), ("headline", "headline.title[0]", "主一"),
        ("headline", "headline.title[1]", "主二"), ("subtitle", "headline.subtitle", "副题"),
        ("byline", "byline[0].role", "文"), ("byline", "byline[0].name", "记者"),
        ("sidebar_title", "sidebar.title", "框题"), ("sidebar", "sidebar.items[0]", "框一"),
        ("body", "lead[0]", "导语"),
        ("caption", "photos[0].caption", "图说一"), ("caption", "photos[0].credit", "摄一"),
        ("caption", "photos[2].caption", "图说三"),
        ("subhead", "sections[0].heading[0]", "小题"),
        ("body", "sections[0].paragraphs[0]", "段一"), ("body", "sections[0].paragraphs[1]", "段二"),
        ("caption", "photos[1].caption", "图说二"),
        ("folio", "edition.paper", "测试日报"), ("folio", "edition.page_name", "要闻"), ("folio", "edition.editor", "编甲")]
    assert item_chars(page.stories[0]) == len("引题主一主二副题文记者框题框一导语图说一摄一图说三小题段一段二图说二")


def test_chars_by_role_of_a_one_story_page(tmp_path):
    page, _ = load(tmp_path, ONE)
    roles = chars_by_role(page)
    assert roles == {"body": "导语段一段二", "headline": "主一主二", "kicker": "引题", "subtitle": "副题",
                     "byline": "文/记者", "subhead": "小题", "caption": "图说一摄一图说二图说三",
                     "sidebar_title": "框题", "sidebar": "框一", "folio": folio_text(page)}


MANY = HEAD + """fillers:
  - {id: f, heading: 补头, text: [补一]}
stories:
  - id: a
    headline: {title: 甲题}
    sections: [{paragraphs: 甲文}]
    continue_to: 4
  - kind: briefs
    heading: 简头
    briefs: [简一]
  - kind: digest
    heading: 导头
    pointers: [{title: 导一, page: 7}]
"""


def test_chars_by_role_of_blocks_fillers_and_a_jump(tmp_path):
    page, _ = load(tmp_path, MANY)
    roles = chars_by_role(page)
    assert roles["body"] == "简一甲文（下转上接第版）0123456789"
    assert roles["sidebar_title"] == "简头导头补头"
    assert roles["sidebar"] == "导一第7版补一"
    assert roles["headline"] == "甲题" and roles["kicker"] == "" and roles["caption"] == ""
    assert [r[:2] for r in role_fields(page)][:9] == [
        ("headline", "stories[0].headline.title[0]"), ("body", "stories[0].sections[0].paragraphs[0]"),
        ("sidebar_title", "stories[1].heading"), ("body", "stories[1].briefs[0]"),
        ("sidebar_title", "stories[2].heading"), ("sidebar", "stories[2].pointers[0].title"),
        ("sidebar", "stories[2].pointers[0].page"), ("sidebar_title", "fillers[0].heading"),
        ("sidebar", "fillers[0].text[0]")]


def test_no_jump_characters_without_a_jump(tmp_path):
    page, _ = load(tmp_path, MANY.replace("    continue_to: 4\n", ""))
    assert chars_by_role(page)["body"] == "简一甲文"


def test_locate_and_places_point_at_file_line_col_and_char(tmp_path):
    page, path = load(tmp_path, ONE)
    lines = ONE.splitlines()
    n = lines.index("    paragraphs: [段一, 段二]") + 1
    assert locate(page, {"二", "段"}) == f"{path}:{lines.index('  title: [主一, 主二]') + 1}:15 headline.title[1] char 1"
    assert locate(page, ["段"]) == f"{path}:{n}:18 sections[0].paragraphs[0] char 0"
    assert locate(page, {"无"}) == path
    assert places(page, "body", {"段", "二"}) == [("段", f"{path}:{n}:18 sections[0].paragraphs[0] char 0"),
                                                 ("段", f"{path}:{n}:22 sections[0].paragraphs[1] char 0"),
                                                 ("二", f"{path}:{n}:22 sections[0].paragraphs[1] char 1")]
    assert places(page, "folio", {"日", "甲"}) == [("日", f"{path}:2:10 edition.paper char 2"),
                                                  ("甲", f"{path}:6:11 edition.editor char 1")]
    assert places(page, "kicker", {"段"}) == []


# ---------------------------------------------------------------- the page's description (layout.source.meta)

from layout.source.meta import describe, story_title  # noqa: E402


def test_the_description_of_a_one_story_page(tmp_path):
    page, _ = load(tmp_path, ONE.replace("  - heading: 小题\n", "  - heading: [小, 题]\n"))
    d = describe(page)
    assert story_title(page.stories[0]) == "引题：主一　主二"
    assert (d.title, d.creators, d.subject, d.keywords) == ("引题：主一　主二", (("文", "记者"),), "引题",
                                                            ("要闻", "引题", "小题"))


def test_the_description_of_a_page_of_several_stories(tmp_path):
    text = HEAD + """stories:
  - id: a
    headline: {title: [甲, 题]}
    byline: [{role: 文, name: 张}, {role: 图, name: 李}]
    sections: [{heading: 一节, paragraphs: 文}, {paragraphs: 文}]
  - id: b
    headline: {title: 乙题, kicker: 乙引}
    byline: [{role: 文, name: 张}, {role: 文, name: 王}]
    sections: [{paragraphs: 文}]
"""
    page, _ = load(tmp_path, text)
    d = describe(page)
    assert (d.title, d.subject) == ("甲　题", "甲　题")
    assert d.creators == (("文", "张"), ("图", "李"), ("文", "王"))
    assert d.keywords == ("要闻", "甲　题", "一节", "", "乙引：乙题", "")


def test_the_description_of_a_page_of_blocks_only(tmp_path):
    page, _ = load(tmp_path, HEAD + "stories:\n  - {kind: briefs, heading: 简讯, briefs: [一条]}\n")
    d = describe(page)
    assert (d.title, d.creators, d.subject, d.keywords) == ("简讯", (), "简讯", ("要闻",))


# ---------------------------------------------------------------- the 转版 continuation file (layout.source.jump)

def test_the_continuation_file_keeps_the_text_from_the_cut(tmp_path):
    import yaml

    from layout.source.jump import continuation

    long = " ".join(["长文"] * 50)  # past the 80 columns YAML folds a line at (at a space): kept on one line
    page, _ = load(tmp_path, HEAD + "headline: {title: [续, 题]}\nsections:\n  - paragraphs: [甲乙丙丁, 戊己]\n"
                   "  - heading: [小, 节]\n    paragraphs: [庚辛]\n")
    text = continuation(page, page.stories[0], (("sections[0].paragraphs[0]", "甲乙丙丁", 2),
                                                 ("sections[0].paragraphs[1]", "戊己", 0),
                                                 ("sections[1].heading", "", 0),
                                                 ("sections[1].paragraphs[0]", "庚辛", 0),
                                                 ("sections[1].paragraphs[1]", long, 0)))
    assert f"  - {long}" in text.splitlines()
    assert text.startswith("# 转版: the rest of story 'main' of page 3 (2024-03-01), cut there\n"
                           "# with （下转第N版）. Name this file in page N's stories, with continued_from: 3.\n")
    assert yaml.safe_load(text) == {"headline": {"title": ["续", "题"]},
                                    "sections": [{"heading": [], "paragraphs": ["丙丁", "戊己"]},
                                                 {"heading": ["小", "节"], "paragraphs": ["庚辛", long]}]}
