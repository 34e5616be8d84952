"""Text normalisation (layout.source.normalize): examples per rule, Latin left alone, and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.source.normalize import HALF_TO_FULL, RULES, is_han, normalise


def norm(text: str, **kw) -> str:
    return normalise(text, "f", **kw)[0]


@pytest.mark.parametrize("before, after", [
    ("去年以来,郾城区", "去年以来，郾城区"),
    ("控尘;控车", "控尘；控车"),
    ("站位中国(漯河)食品名城", "站位中国（漯河）食品名城"),
    ("184个村(居)全部", "184个村（居）全部"),
    ("推进(5G)应用", "推进（5G）应用"),  # brackets go as a pair in Chinese context
    ("如下:", "如下："),
    ("为什么?", "为什么？"),
    ("好!", "好！"),
    ("100%,强力", "100%，强力"),  # Chinese on one side, another mark on the other
    (",开头", "，开头"),  # text boundary on one side
])
def test_half_width_marks_in_chinese_become_full_width(before, after):
    assert norm(before) == after


@pytest.mark.parametrize("latin", [
    "5G", "29.8", "Hello, world", "1,000", "8:30", "比分3:1", "(5G)", "Wait...", "a--b",
    "don't", "He said \"hi\"", "Really?!", "x (y) z", "f(x)=1", "2020年", "A; B",
])
def test_latin_only_contexts_are_untouched(latin):
    out, findings = normalise(latin, "f")
    assert out == latin and findings == ()


def test_latin_inside_chinese_keeps_its_own_punctuation():
    assert norm("他说Hello, world。") == "他说Hello, world。"


@pytest.mark.parametrize("before, after", [
    ('他说"你好"。', "他说“你好”。"),
    ("所谓'精准'。", "所谓‘精准’。"),
    ('“引号”外"也是"', "“引号”外“也是”"),
    ('他说"hello"。', "他说“hello”。"),  # Latin quoted inside a Chinese sentence
    ("don't 说'对'", "don't 说‘对’"),  # the apostrophe is not a quote
])
def test_straight_quotes_pair_into_curly(before, after):
    assert norm(before) == after


def test_unpaired_quote_is_left_as_typed():
    assert norm('他说"你好') == '他说"你好'


@pytest.mark.parametrize("before, after", [
    ("等等...", "等等……"),
    ("等等......好", "等等……好"),
    ("等等。。。", "等等……"),
    ("等等…", "等等……"),
    ("等等……", "等等……"),
    ("中文--破折号", "中文——破折号"),
    ("等等···", "等等……"),
])
def test_ellipsis_and_dash(before, after):
    assert norm(before) == after


@pytest.mark.parametrize("before, after", [
    ("\u3000\u3000段落开头", "段落开头"),  # typed indent: the layout indents
    ("紧盯企业\n关注的堵点", "紧盯企业关注的堵点"),  # a line wrapped inside a sentence
    ("紧盯企业 关注的堵点", "紧盯企业关注的堵点"),  # a YAML-folded line arrives as one space
    ("郾城区\u3000发展", "郾城区发展"),
    ("推广5G  技术", "推广5G 技术"),  # runs collapse; Han–Latin space is kept
    ("a\tb", "a b"),
    ("文本，  下文", "文本，下文"),  # no blank beside full-width punctuation
    ("结尾。\r\n", "结尾。"),
    ("\u200b中\ufeff文\u200d", "中文"),
])
def test_whitespace_and_invisible_characters(before, after):
    assert norm(before) == after


def test_display_lines_keep_a_deliberate_ideographic_space():
    assert norm("砥砺前行\u3000乘风破浪", keep_ideographic_space=True) == "砥砺前行\u3000乘风破浪"
    assert norm("本报记者 焦海洋", keep_ideographic_space=True) == "本报记者 焦海洋"
    assert norm("砥砺前行\u3000\u3000乘风破浪", keep_ideographic_space=True) == "砥砺前行\u3000乘风破浪"
    # ...but a wrapped line is still a wrap.
    assert norm("砥砺前行\n乘风破浪", keep_ideographic_space=True) == "砥砺前行乘风破浪"


@pytest.mark.parametrize("text", [
    "本报讯\u3000昨日，我市召开会议。",
    "本报3月1日讯\u3000连日来，全市秋粮收获基本结束。",
    "本报北京1月18日电\u3000记者从有关部门获悉。",
    "本报郑州十二月三日讯\u3000今年以来，全省粮食生产稳中有增。",
    "新华社北京3月1日电\u3000记者从国家统计局获悉。",
    "中新社上海5月20日电\u3000第二届博览会开幕。",
])
def test_the_full_width_space_after_a_dateline_is_kept(text):
    """The convention (page-layout.md §1, 简讯): a dateline (电头) that opens a news text is followed by one
    full-width space. It is kept as written: no change, no finding."""
    assert normalise(text, "f") == (text, ())


@pytest.mark.parametrize("before, after", [
    ("本报讯 昨日，我市召开会议。", "本报讯\u3000昨日，我市召开会议。"),  # a half-width space: the convention's one
    ("本报讯\u3000\u3000 昨日", "本报讯\u3000昨日"),  # a run: one
    ("\u3000\u3000本报讯\u3000昨日", "本报讯\u3000昨日"),  # a typed indent before the dateline goes
    ("新华社北京3月1日电\n记者从", "新华社北京3月1日电\u3000记者从"),  # a wrapped line after it
])
def test_white_space_after_a_dateline_becomes_one_full_width_space(before, after):
    out, findings = normalise(before, "f")
    assert out == after and findings and all(f.code == "normalised" for f in findings)


@pytest.mark.parametrize("before, after", [
    ("本报讯昨日，我市召开会议。", "本报讯昨日，我市召开会议。"),  # none written: none added
    ("本报讯（记者 张三）昨日", "本报讯（记者张三）昨日"),  # a bracketed name follows: the other rules, as before
    ("他说 本报讯 是", "他说本报讯是"),  # not a dateline where it does not open the text
    ("昨日\u3000我市", "昨日我市"),  # running text keeps no blank between Chinese
    ("本报讯\u3000昨日 ，我市\"好\" 的", "本报讯\u3000昨日，我市“好”的"),  # the rest of the text is tidied
    ("本报讯\u3000去年以来,郾城区", "本报讯\u3000去年以来，郾城区"),
    ("本报讯\u3000\u200b昨日", "本报讯\u3000昨日"),
])
def test_around_a_dateline_the_other_tidying_still_happens(before, after):
    assert norm(before) == after


@pytest.mark.parametrize("title", ["书香澜州\u3000悦读人生", "砥砺前行铸辉煌\u3000乘风破浪再起航"])
def test_a_full_width_space_between_title_phrases_is_kept_in_every_title_field(tmp_path, title):
    """A title written as one text with a full-width space between its phrases keeps it, wherever a title
    stands: a story's 主题, a 导读 box's pointer, a block's heading."""
    from layout.source.load import load_page

    page = tmp_path / "page.yaml"
    page.write_text(f"""edition: {{paper: 测试日报, date: 2024-03-01, page: 2, page_name: 要闻}}
stories:
  - headline: {{title: "{title}"}}
    lead: 本报讯\u3000昨日，我市召开会议。
  - {{kind: digest, heading: "导\u3000读", pointers: [{{title: "{title}", page: 5}}]}}
  - {{kind: briefs, heading: "简\u3000讯", briefs: ["本报讯 连日来，我市抢抓晴好天气组织秋收。"]}}
""", encoding="utf-8")
    loaded, findings = load_page(str(page))
    story, digest, briefs = loaded.stories
    assert story.headline.title[0].text == title
    assert story.lead[0].text == "本报讯\u3000昨日，我市召开会议。"
    assert digest.pointers[0][0].text == title and digest.heading.text == "导\u3000读"
    assert briefs.heading.text == "简\u3000讯"
    assert briefs.items[0].text == "本报讯\u3000连日来，我市抢抓晴好天气组织秋收。"
    assert [f.where for f in findings if f.code == "normalised"] == [f"{page}:6:45 stories[2].briefs[0] char 3"]


def test_every_change_is_one_finding_with_offset_and_before_after():
    text = "去年以来,郾城区;发展"
    out, findings = normalise(text, "a.yaml:3:5 lead[0]")
    assert out == "去年以来，郾城区；发展"
    assert len(findings) == 2
    offsets = [int(re.search(r"char (\d+)$", f.where).group(1)) for f in findings]
    assert offsets == [text.index(","), text.index(";")]
    for f in findings:
        assert (f.severity, f.code) == ("info", "normalised")
        assert f.where.startswith("a.yaml:3:5 lead[0] char ")
        assert "→" in f.message
    assert "以来,郾城" in findings[0].message and "以来，郾城" in findings[0].message


def test_offsets_point_into_the_input_even_after_earlier_removals():
    text = "\u200b\u200b\u200b中文,好"
    _, findings = normalise(text, "w")
    comma = [f for f in findings if "full width" in f.message]
    assert comma and comma[0].where == f"w char {text.index(',')}"


def test_clean_text_gives_no_findings():
    clean = "去年以来，郾城区以“1351”总体工作布局为纲，确保重大项目履约率100%。"
    assert normalise(clean, "w") == (clean, ())


def test_rule_table_cites_sources():
    assert {r.name for r in RULES} >= {"full-width", "quotes", "ellipsis", "dash", "whitespace", "invisible"}
    for rule in RULES:
        assert rule.source and rule.what
    gb = [r for r in RULES if r.name in ("full-width", "quotes", "ellipsis", "dash")]
    assert all("GB/T 15834" in r.source for r in gb)
    assert set(HALF_TO_FULL) == set(",;:?!()")


# ---------------------------------------------------------------- properties

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40)
MARKS = st.sampled_from(list(',;:?!()"\'.-…。·，；“”（）—\u3000 \t\n\r\u200b\ufeff') + ["...", "--", "。。。"])
LATIN = st.sampled_from(list("aZ5G9%") + ["Hello", "29.8", "don't"])
TEXT = st.lists(st.one_of(HAN, MARKS, LATIN, st.text(max_size=3)), max_size=40).map("".join)


def han_count(s: str) -> int:
    return sum(1 for c in s if is_han(c))


@settings(max_examples=400, deadline=None)
@given(TEXT, st.booleans())
def test_idempotent(text, keep):
    once = norm(text, keep_ideographic_space=keep)
    twice, findings = normalise(once, "f", keep_ideographic_space=keep)
    assert twice == once
    assert findings == ()


@settings(max_examples=400, deadline=None)
@given(TEXT, st.booleans())
def test_han_characters_are_never_added_or_removed(text, keep):
    out = norm(text, keep_ideographic_space=keep)
    assert han_count(out) == han_count(text)
    assert [c for c in out if is_han(c)] == [c for c in text if is_han(c)]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.text(max_size=10))
def test_never_raises_and_findings_match_changes(text, where):
    out, findings = normalise(text, where)
    assert isinstance(out, str)
    assert (out != text) == bool(findings)
    assert all(f.severity == "info" and f.code == "normalised" for f in findings)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7E), max_size=40))
def test_ascii_without_chinese_only_ever_loses_whitespace(text):
    # Without Chinese there is no Chinese context: only blanks may change.
    out = norm(text)
    assert out.split() == text.split() or "".join(out.split()) == "".join(text.split())
