"""Paragraph composition on FakeMetrics (Han 1 em, Latin 0.5 em): breaks, widths, punctuation, findings."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bitouwei import ends_badly, splits_a_unit, starts_badly

from layout.text import ComposeOptions, compose_paragraph, is_han, set_line
from layout.text.cjk import is_lonely_line
from layout.text.fake import FakeMetrics

SIZE = 9.0
M = FakeMetrics()


def texts(setting):
    return ["".join(g.ch for g in line.glyphs) for line in setting.lines]


def em(glyph):
    return round(glyph.advance_pt / SIZE, 6)


# --- hand-checked breaks on the seed article ------------------------------------------------
def test_seed_lead_paragraph_at_13_em(seed_paragraphs):
    s = compose_paragraph(seed_paragraphs[0], M, SIZE, 13 * SIZE)
    lines = texts(s)
    # 2-em indent + 去年以来，郾城区以习近 (11 cells) = 13: solid, no adjustment.
    assert lines[0] == "去年以来，郾城区以习近"
    # “1351” = 1 + 4×0.5 + 1 em; with 总体工作布局，统筹 the line is 13 em solid.
    assert "“1351”总体工作布局，统筹" in lines
    assert lines[-1] == "彩的郾城篇章。"
    assert s.findings == ()
    assert "".join(lines) == seed_paragraphs[0]


def test_seed_poverty_paragraph_push_out_at_13_em(seed_paragraphs):
    s = compose_paragraph(seed_paragraphs[1], M, SIZE, 13 * SIZE)
    lines = texts(s)
    # 坚决打赢精准脱贫攻坚战， would need 14 em and only the comma can give ½ em: push-out, so the
    # first line is 10 characters spread over 9 gaps, and 战， starts the next line.
    assert lines[0] == "坚决打赢精准脱贫攻坚"
    assert lines[1].startswith("战，")
    first = s.lines[0]
    gaps = [b.x_pt - a.x_pt for a, b in zip(first.glyphs, first.glyphs[1:])]
    assert max(gaps) - min(gaps) < 1e-6 and gaps[0] == pytest.approx(SIZE * (1 + 1 / 9))


def test_seed_paragraph_at_27_em_is_solid_where_it_can_be(seed_paragraphs):
    s = compose_paragraph(seed_paragraphs[1], M, SIZE, 27 * SIZE)
    lines = texts(s)
    # 2 + 坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展 (25) = 27: solid.
    assert lines[0] == "坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展"
    assert all(em(g) == 1.0 for g in s.lines[0].glyphs)
    assert lines[-1] == "服务常态化。"


# --- punctuation width ------------------------------------------------------------------------
def test_push_in_before_push_out():
    # 一二，三四五六七八九。 is 11 em on a 10-em measure; ， and the line-end 。 give ½ em each.
    s = compose_paragraph("一二，三四五六七八九。甲乙丙丁", M, SIZE, 10 * SIZE, ComposeOptions(indent_em=0))
    assert texts(s)[0] == "一二，三四五六七八九。"
    g = s.lines[0].glyphs
    assert em(g[2]) == 0.5 and em(g[-1]) == 0.5
    assert all(em(x) == 1.0 for x in g if is_han(x.ch))  # Han characters are never compressed


@pytest.mark.parametrize("mode, comma_em", [("auto", 1.0), ("always", 0.5), ("never", 1.0)])
def test_line_end_mark_modes(mode, comma_em):
    # 一二三四， fills a 5-em line exactly; "auto" keeps it on the grid, "always" follows GB §5.1.10.
    opts = ComposeOptions(indent_em=0, line_end_half=mode)
    s = compose_paragraph("一二三四，五六七八", M, SIZE, 5 * SIZE, opts)
    assert texts(s)[0] == "一二三四，"
    comma = s.lines[0].glyphs[-1]
    assert comma.x_pt + comma_em * SIZE == pytest.approx(comma.x_pt + em(comma) * SIZE)
    assert s.lines[0].width_pt == pytest.approx(5 * SIZE)


def test_opening_mark_at_line_start_after_the_indent():
    opts = ComposeOptions(line_start_half="always")
    s = compose_paragraph("“甲乙丙”丁", M, SIZE, 20 * SIZE, opts)
    q = s.lines[0].glyphs[0]
    # Placement −½ em from the 2-em indent, advance ½ em: the ink stays where the indent ends.
    assert q.x_pt == pytest.approx(1.5 * SIZE) and q.advance_pt == pytest.approx(0.5 * SIZE)


def test_adjacent_marks_and_halt_fallback():
    for metrics in (FakeMetrics(), FakeMetrics(halt=False)):
        line = set_line("他说：“好。”", metrics, SIZE)
        # 他说 2 + ：“ 1.5 + 好 1 + 。” 1.5 = 6 em.
        assert line.width_pt == pytest.approx(6 * SIZE)


def test_proportional_quotes_are_not_compressed():
    metrics = FakeMetrics(advances={"“": 0.35, "”": 0.35})
    assert set_line("“好”", metrics, SIZE).width_pt == pytest.approx(1.7 * SIZE)


def test_hanging_punctuation_option():
    text = "一二三四五，六七八九"
    plain = compose_paragraph(text, M, SIZE, 5 * SIZE, ComposeOptions(indent_em=0))
    assert texts(plain)[0] == "一二三四"  # 一二三四五， cannot shrink to 5 em: push-out
    hung = compose_paragraph(text, M, SIZE, 5 * SIZE, ComposeOptions(indent_em=0, hanging=True))
    line = hung.lines[0]
    assert texts(hung)[0] == "一二三四五，"
    assert line.width_pt == pytest.approx(5 * SIZE)  # the measure; the comma sits outside it
    assert line.glyphs[-1].x_pt == pytest.approx(5 * SIZE) and em(line.glyphs[-1]) == 0.5
    assert all(em(g) == 1.0 for g in line.glyphs[:-1])


# --- mixed text -----------------------------------------------------------------------------
def test_han_latin_space_option():
    plain = set_line("用5G网", M, SIZE)
    assert plain.width_pt == pytest.approx(3 * SIZE)
    s = compose_paragraph("用5G网", M, SIZE, 20 * SIZE, ComposeOptions(indent_em=0, han_latin_space_em=0.25))
    g = s.lines[0].glyphs
    assert g[1].x_pt - g[0].x_pt == pytest.approx(1.25 * SIZE)
    assert g[3].x_pt - g[2].x_pt == pytest.approx(0.75 * SIZE)


def test_overlong_token_is_broken_and_reported():
    text = "见" + "abcdefghijklmnopqrstuvwxyz" + "网"
    s = compose_paragraph(text, M, SIZE, 5 * SIZE, ComposeOptions(indent_em=0))
    assert "".join(texts(s)) == text
    assert any(f.code == "overlong-token" for f in s.findings)
    assert all(line.width_pt <= 5 * SIZE + 0.05 for line in s.lines)


def test_unavoidable_prohibited_start_is_reported():
    text = "甲" + "”" * 12
    s = compose_paragraph(text, M, SIZE, 4 * SIZE, ComposeOptions(indent_em=0))
    assert "".join(texts(s)) == text and len(s.lines) > 1
    assert any(f.code == "prohibited-start" for f in s.findings)


# --- orphans ----------------------------------------------------------------------------------
@pytest.mark.parametrize("tail", ["", "。", "！”"])
def test_no_single_han_on_the_last_line(tail):
    text = "一二三四五六七八九十甲" + tail  # greedy: 10 + 1 (+ marks) → 孤字
    s = compose_paragraph(text, M, SIZE, 10 * SIZE, ComposeOptions(indent_em=0))
    last = texts(s)[-1]
    assert sum(map(is_han, last)) >= 2
    assert s.lines[0].width_pt == pytest.approx(10 * SIZE)
    assert not any(f.code == "orphan" for f in s.findings)


@pytest.mark.parametrize("tail", ["A。", "5", "X！”"])
def test_no_single_latin_letter_or_digit_on_the_last_line(tail):
    # One letter or digit with its marks is as lonely as one Han character (cjk.is_lonely_line).
    text = "一二三四五六七八九十" + tail
    s = compose_paragraph(text, M, SIZE, 10 * SIZE, ComposeOptions(indent_em=0))
    assert texts(s)[-1] == "十" + tail
    assert not any(f.code == "orphan" for f in s.findings)


def test_an_orphan_that_cannot_be_avoided_is_reported():
    # A 20-letter word fills the 10-em measure and cannot be broken: 甲 has to stand alone.
    s = compose_paragraph("abcdefghijklmnopqrst甲。", M, SIZE, 10 * SIZE, ComposeOptions(indent_em=0))
    assert texts(s) == ["abcdefghijklmnopqrst", "甲。"]
    assert [(f.code, f.offset) for f in s.findings] == [("orphan", 20)]


def test_set_line_spreads_evenly():
    line = set_line("郾城名片", M, 20.0, width_pt=200.0)
    xs = [g.x_pt for g in line.glyphs]
    assert line.width_pt == pytest.approx(200.0)
    assert xs[0] == 0.0 and xs[1] - xs[0] == pytest.approx((200 - 20) / 3)
    one = set_line("版", M, 20.0, width_pt=60.0)
    assert one.glyphs[0].x_pt == pytest.approx(20.0)  # a single character is centred


def test_set_line_tracking_and_reduction():
    assert set_line("砥砺前行", M, 10.0, tracking_em=0.1).width_pt == pytest.approx(43.0)
    # 4 em set in 3.5: the comma (reduction step 5) gives its blank before the stop (step 7).
    tight = set_line("好，好。", M, 10.0, width_pt=35.0)
    assert tight.width_pt == pytest.approx(35.0)
    assert [g.advance_pt for g in tight.glyphs] == pytest.approx([10.0, 5.0, 10.0, 10.0])


# --- properties -------------------------------------------------------------------------------
HAN = "的一是在中国人民发展社会经济全面建设小康郾城区"
MARKS = "，。、；：？！“”（）《》"
ALPHABET = st.sampled_from(list(HAN) * 4 + list(MARKS) + list("AbcG0125.%") + [" ", "——", "……"])
PARAGRAPH = st.lists(ALPHABET, min_size=1, max_size=90).map("".join)
OPTIONS = st.builds(
    ComposeOptions,
    indent_em=st.sampled_from([0.0, 2.0]),
    han_latin_space_em=st.sampled_from([0.0, 0.25]),
    strictness=st.sampled_from(["basic", "gb", "strict"]),
    line_end_half=st.sampled_from(["auto", "always", "never"]),
    line_start_half=st.sampled_from(["auto", "always", "never"]),
    hanging=st.booleans(),
    align_last=st.sampled_from(["start", "center", "justify"]),
)


@settings(max_examples=300, deadline=None)
@given(text=PARAGRAPH, measure_em=st.integers(min_value=4, max_value=30), opts=OPTIONS)
def test_composition_properties(text, measure_em, opts):
    s = compose_paragraph(text, M, SIZE, measure_em * SIZE, opts)
    lines = s.lines
    codes = {(f.code, f.offset) for f in s.findings}
    # Text conservation: lines tile the paragraph; every character is one glyph, in order,
    # except spaces at a line break.
    assert lines[0].start == 0 and lines[-1].end == len(text)
    assert all(x.end == y.start for x, y in zip(lines, lines[1:]))
    for line in lines:
        chunk = text[line.start : line.end]
        expected = chunk if line.last else chunk.rstrip(" ")
        assert "".join(g.ch for g in line.glyphs) == expected
        assert line.last == (line is lines[-1])
    # Justification: every line but the last is exactly the measure, unless reported.
    for line in lines[:-1]:
        if ("underfull", line.start) not in codes:
            assert line.width_pt == pytest.approx(measure_em * SIZE, abs=0.05)
    for line in lines:
        assert line.width_pt <= measure_em * SIZE + 0.05 or any(c in ("overlong-token", "forced-break") for c, _ in codes)
    # 避头尾 as clreq §6.1.1–6.1.2 and GB/T 15834 §5.1 state it (tests/bitouwei.py, by hand): a
    # violation happens only when reported.
    for x, y in zip(lines, lines[1:]):
        if starts_badly(text[y.start : y.end], opts.strictness):
            assert codes & {("prohibited-start", y.start), ("overlong-token", y.start), ("forced-break", y.start)}
        if ends_badly("".join(g.ch for g in x.glyphs), opts.strictness):
            assert any(code != "orphan" and code != "underfull" for code, _ in codes)
        if splits_a_unit(text[: y.start], text[y.start :]):
            assert codes & {("overlong-token", y.start), ("forced-break", y.start)}
    # 孤字 exactly when reported.
    tail = text[lines[-1].start :]
    assert (len(lines) > 1 and is_lonely_line(tail)) == (("orphan", lines[-1].start) in codes)
    # Determinism.
    assert compose_paragraph(text, M, SIZE, measure_em * SIZE, opts) == s


@settings(max_examples=150, deadline=None)
@given(n=st.integers(min_value=2, max_value=80), measure_em=st.integers(min_value=6, max_value=30),
       indent=st.sampled_from([0.0, 2.0]))
def test_han_text_never_leaves_an_orphan(n, measure_em, indent):
    text = (HAN * 4)[:n]
    s = compose_paragraph(text, M, SIZE, measure_em * SIZE, ComposeOptions(indent_em=indent))
    assert s.findings == ()
    if len(s.lines) > 1:
        assert len(s.lines[-1].glyphs) >= 2


@pytest.mark.parametrize("measure_em", range(6, 16))
def test_a_number_with_separators_is_never_split_between_lines(measure_em):
    # 1,000 and 29.8 wherever the measure puts the line end: no line ends inside them.
    text = "全县今年共接待游客1,000,000人次，同比增长29.8%，旅游收入达到12,345.6万元，创历史新高。"
    lines = texts(compose_paragraph(text, M, SIZE, measure_em * SIZE))
    assert "".join(lines) == text
    for a, b in zip(lines, lines[1:]):
        assert not (a[-1:] in ",." or b[:1] in ",." or (a[-1:].isdigit() and b[:1].isdigit())), (a, b)


def test_each_bent_rule_is_reported_with_where_and_why():
    """The findings the desk reads, word for word: which rule was bent at which offset, and the text
    on both sides of the break (8 characters each way)."""
    from layout.text.linebreak import _break_finding
    from layout.text.prepare import prepare

    opts = ComposeOptions()
    word = "abcdefghijklmnopqrstuvwxyz0123456789"  # 18 em of Latin at 0.5 em: wider than a 5 em measure
    p = prepare("中文" + word, M, opts, 5.0)
    f = _break_finding(p, 3, "strict")  # near the start: as much as there is before it
    assert (f.code, f.offset, f.message) == ("overlong-token", 3, "token wider than the measure broken at 3: "
                                             "'中文a' | 'bcdefghi'")
    f = _break_finding(p, 20, "strict")
    assert f.message == "token wider than the measure broken at 20: 'klmnopqr' | 'stuvwxyz'"
    p = prepare("ab" + word, M, opts, None)  # no measure: never forced; inside the word is BREAK_NEVER
    f = _break_finding(p, 3, "strict")
    assert (f.code, f.offset, f.message) == ("forced-break", 3, "no legal break fits; forced at 3: 'aba' | 'bcdefghi'")
    p = prepare("中文" * 6 + "，好" + "中文" * 6, M, opts, None)
    f = _break_finding(p, 12, "strict")
    assert (f.code, f.offset, f.message) == ("prohibited-start", 12, "'，' starts a line (避头): nothing else fits")
    p = prepare("中文" * 6 + "“好”" + "中文" * 6, M, opts, None)
    f = _break_finding(p, 13, "strict")
    assert (f.code, f.offset, f.message) == ("prohibited-end", 12, "'“' ends a line (避尾): nothing else fits")
    # The level decides: …… may start a line under gb, so a break before it is the opener's fault.
    p = prepare("中“……好", M, ComposeOptions(strictness="gb"), None)
    assert _break_finding(p, 2, "gb").code == "prohibited-end" and _break_finding(p, 2, "strict").code == "prohibited-start"


def test_looseness_sets_the_paragraph_a_line_longer_or_shorter(seed_paragraphs):
    text = seed_paragraphs[0]
    base = compose_paragraph(text, M, SIZE, 13 * SIZE)
    s = compose_paragraph(text, M, SIZE, 13 * SIZE, ComposeOptions(looseness=1))
    assert len(s.lines) == len(base.lines) + 1
    assert "".join(texts(s)) == text
    assert all(line.width_pt <= 13 * SIZE + 0.01 for line in s.lines)
    # A line fewer would need more reduction than any line may take: said so, and nothing set.
    s = compose_paragraph(text, M, SIZE, 13 * SIZE, ComposeOptions(looseness=-1))
    assert s.lines == () and [(f.code, f.offset, f.message) for f in s.findings] == [
        ("looseness", 0, "cannot be set -1 line(s)")]
