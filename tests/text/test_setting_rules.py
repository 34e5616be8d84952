"""Glyph positions and options of one set line, on FakeMetrics (Han 1 em, Latin ½ em, space ¼ em,
full-width marks 1 em with a ½-em blank in GB positions), every number worked out by hand: opener
compression, connectors, word spaces, Han–Latin gaps, shrink_stops, the 孤字 finding, empty input."""

import random

import pytest

from layout.text import cjk
from layout.text.fake import FakeMetrics
from layout.text.linebreak import ComposeOptions, Line, compose_paragraph, compose_with_alternates, set_line
from layout.text.prepare import prepare
from layout.text.setting import LineStyle, set_span

# A new face in every test: prepare memoises each face's character rows, so a face shared with
# other tests would bring rows computed before this test ran.
face = FakeMetrics
SIZE = 10.0  # pt per em: positions below are em × 10


def lines(text, measure_em, **opts):
    s = compose_paragraph(text, face(), SIZE, measure_em * SIZE, ComposeOptions(indent_em=0.0, **opts))
    return [ln.chars for ln in s.lines], s


def test_two_openers_hug_and_two_closers_too():
    # （“中”）: “ after （ loses its left half, ” before ） its right half: 1 + ½ + 1 + ½ + 1 = 4 em.
    ln = set_line("（“中”）", face(), SIZE)
    assert ln.width_pt == 40.0
    assert ln.advances_pt == (10.0, 5.0, 10.0, 5.0, 10.0)
    assert ln.xs_pt == (0.0, 5.0, 15.0, 25.0, 30.0)  # “ drawn half an em left of its pen position


def test_no_expansion_next_to_a_connector():
    # 甲乙～丙 spread from 4 to 5 em: the gaps on both sides of ～ take nothing, 甲|乙 takes the whole em.
    assert set_line("甲乙～丙", face(), SIZE, 50.0).xs_pt == (0.0, 20.0, 30.0, 40.0)


def test_word_spaces_take_expansion_first():
    # ab cd from 2.25 to 2.5 em: the space grows from ¼ to its maximum ½ em, nothing else moves.
    ln = set_line("ab cd", face(), SIZE, 25.0)
    assert ln.advances_pt == (5.0, 5.0, 5.0, 5.0, 5.0)


def test_reduction_takes_word_spaces_before_pause_marks():
    # 中 中，中 with a ½-em space, 4.5 em, set to 4: step 2 (the space, down to ¼) gives 0.25, step 5
    # (the comma's ½-em blank) the other 0.25.
    ln = set_line("中 中，中", FakeMetrics(advances={" ": 0.5}), SIZE, 40.0)
    assert ln.advances_pt == (10.0, 2.5, 10.0, 7.5, 10.0)
    assert ln.xs_pt == (0.0, 10.0, 12.5, 22.5, 30.0)


def test_han_latin_gaps_stand_between_han_and_latin_only():
    # A ¼-em gap after 文 (before A) and after C (before 中); none inside ABC.
    _, s = lines("中文ABC中", 10.0, han_latin_space_em=0.25)
    ln = s.lines[0]
    assert ln.xs_pt == (0.0, 10.0, 22.5, 27.5, 32.5, 40.0) and ln.width_pt == 50.0


def test_a_stop_mark_is_not_reduced_mid_line_when_shrink_stops_is_off():
    # 中。 at 1.5 em fits only if 。 gives up its blank (2 − ½).
    assert lines("中。", 1.5)[0] == ["中。"]
    got, s = lines("中。", 1.5, shrink_stops=False)
    assert got == ["中", "。"]  # 。 starts a line: nothing else fits; 中 alone cannot be spread
    assert sorted(f.code for f in s.findings) == ["prohibited-start", "underfull"]


def test_a_stop_mark_ending_a_line_gives_its_blank_even_when_shrink_stops_is_off():
    # line_end_half "auto": the line-end mark's blank goes first, whatever shrink_stops says.
    for shrink_stops in (True, False):
        got, s = lines("中中中。中中", 3.5, shrink_stops=shrink_stops)
        assert got == ["中中中。", "中中"]
        assert s.lines[0].advances_pt == (10.0, 10.0, 10.0, 5.0)


def test_a_lone_stop_mark_keeps_its_em_when_shrink_stops_is_off():
    # Wider than an 0.8-em measure: reduced when stops may shrink, else left whole.
    assert lines("。", 0.8)[1].lines[0].advances_pt == (8.0,)
    assert lines("。", 0.8, shrink_stops=False)[1].lines[0].advances_pt == (10.0,)


def test_the_orphan_finding_names_the_last_line():
    # Five cells at 2 em: 中中|中中|中 is the only setting; the finding is at the last line's start.
    got, s = lines("中" * 5, 2.0)
    assert got == ["中中", "中中", "中"]
    (f,) = s.findings
    assert (f.code, f.offset) == ("orphan", 4) and f.message.endswith("'中'")


def test_empty_input_gives_empty_settings():
    s = compose_paragraph("", face(), SIZE, 100.0)
    assert s.lines == () and s.findings == ()
    ln = set_line("", face(), SIZE)
    assert (ln.chars, ln.xs_pt, ln.advances_pt, ln.width_pt, ln.last) == ("", (), (), 0.0, True)


def test_a_line_of_spaces_only_is_its_indent_wide():
    p = prepare("中 国", face(), ComposeOptions(indent_em=0.0), 10.0)
    opts = ComposeOptions(indent_em=0.0)
    assert set_span(LineStyle(p, opts, SIZE, True), 1, 2, None, 2.0) == ("", (), (), 20.0, False)


def test_a_line_starting_after_a_mark_that_lent_its_blank_is_set_from_its_own_characters():
    # 甲乙，|“丙丁”|戊己 at 3 em: ， gets back at the line end the half it lent to “; the second line
    # starts with “ giving up its left half (auto) and ends with ” giving up its right half.
    got, s = lines("甲乙，“丙丁”戊己", 3.0)
    assert got == ["甲乙，", "“丙丁”", "戊己"]
    second = s.lines[1]
    assert second.advances_pt == (5.0, 10.0, 10.0, 5.0) and second.xs_pt == (-5.0, 5.0, 15.0, 25.0)
    assert second.width_pt == 30.0


def test_an_opener_starting_a_line_keeps_its_em_when_line_start_half_is_never():
    # At 3.5 em the second line fits 4 cells only if “ gives up its left half: "auto" lets it,
    # "never" does not, and then no Han cell is squeezed to make room.
    got, s = lines("甲乙丙，“丁戊己庚辛壬", 3.5)
    assert got[1] == "“丁戊己" and s.lines[1].advances_pt[0] == 5.0
    got, s = lines("甲乙丙，“丁戊己庚辛壬", 3.5, line_start_half="never")
    assert got[1].startswith("“") and s.lines[1].advances_pt[0] >= 10.0
    assert all(g.advance_pt >= 10.0 for ln in s.lines for g in ln.glyphs if g.ch in "甲乙丙丁戊己庚辛壬")


INK_EM = {"H": 1.0, "Z": 1.0, "L": 0.5, "h": 0.5, "S": 0.25}  # by class letter; full-width marks: ½ em


def check_setting(text, measure_em, **opts):
    """The promises every set paragraph keeps (see the test below)."""
    s = compose_paragraph(text, face(), SIZE, measure_em * SIZE, ComposeOptions(indent_em=0.0, **opts))
    where = f"{text!r} at {measure_em} em, {opts}"
    edges = [0] + [ln.end for ln in s.lines]
    assert [ln.start for ln in s.lines] == edges[:-1] and edges[-1] == len(text), where
    assert [ln.chars for ln in s.lines] == [text[a:b] if b == len(text) else text[a:b].rstrip(" ")
                                            for a, b in zip(edges, edges[1:])], where
    for ln in s.lines:
        for g in ln.glyphs:
            ink = INK_EM.get(cjk.CLASS_LETTERS[cjk.char_class(g.ch)], 0.5)
            assert g.advance_pt >= ink * SIZE - 1e-6, f"{where}: {g.ch!r} squeezed to {g.advance_pt} pt in {ln.chars!r}"
        if len(ln.chars) > 1 and abs(ln.xs_pt[-1] - ln.width_pt) < 1e-6:
            # A mark hanging past the line's set width: only 、，。 right after a Han or Latin
            # character, and only after a line set to the measure (the mark is outside it).
            assert opts.get("hanging") and ln.chars[-1] in "、，。", f"{where}: {ln.chars!r} hangs"
            assert cjk.CLASS_LETTERS[cjk.char_class(ln.chars[-2])] in "HLZ", f"{where}: {ln.chars!r} hangs"
            assert abs(ln.width_pt - measure_em * SIZE) <= 0.05, f"{where}: {ln.chars!r} hangs at {ln.width_pt} pt"
        if not ln.last and not s.findings:
            assert abs(ln.width_pt - measure_em * SIZE) <= 0.05, f"{where}: {ln.chars!r} is {ln.width_pt} pt"


@pytest.mark.parametrize("seed", range(6))
def test_set_paragraphs_keep_every_glyph_whole_and_every_line_but_the_last_at_the_measure(seed):
    """Random paragraphs of Han, marks, Latin and spaces at random measures: the breaker only chooses
    lines the setter can set, so no glyph is ever narrower than its ink (Han 1 em, Latin ½, a
    full-width mark ½, a space ¼), every line but the last is the measure wide unless a finding
    says why, a mark hangs past the measure only as [clreq] allows (、，。 after a Han or Latin
    character, after a line set to the measure), and the lines hold the paragraph's characters in
    order (spaces at breaks dropped)."""
    rnd = random.Random(seed)
    alphabet = "中国人民经济发展" * 3 + "，。、；：？！“”‘’（）《》" + "ab12" + " "
    for _ in range(40):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(8, 40))).strip() or "中"
        check_setting(text, rnd.choice([3.0, 3.5, 4.0, 5.5, 7.0, 9.25]), shrink_stops=rnd.random() < 0.7,
                      line_start_half=rnd.choice(["auto", "always", "never"]),
                      line_end_half=rnd.choice(["auto", "always", "never"]),
                      han_latin_space_em=rnd.choice([0.0, 0.25]), hanging=rnd.random() < 0.4)


@pytest.mark.parametrize("text", ["中国。经。展", "人“”经，民", "。民”人，济"])
def test_a_mark_inside_a_solid_line_does_not_hang_in_a_narrow_column(text):
    # At 2 em with hanging on, 经。 / 经， / 人， are solid lines: their mark stays inside, even though a
    # line ending there with a hanging mark was weighed first (from an earlier start).
    check_setting(text, 2.0, hanging=True)


def test_hanging_a_mark_never_brings_a_closing_quote_to_a_line_start():
    # 我们发展，”他说 at 4 em: hanging ， after 我们发展 would leave ” to start the next line (避头). A legal
    # setting exists (我们发 spread to the measure, then 展，”他说 pushed in), so it is taken.
    got, s = lines("我们发展，”他说", 4.0, hanging=True)
    assert s.findings == ()
    assert not any(cjk.prohibited_at_start(line[0]) for line in got[1:]), got


def test_reduction_follows_clreq_order_not_the_glyph_order():
    # 中，中 中 (a ½-em space), 4.5 em set to 4: the space (step 2) gives its ¼ before the comma
    # (step 5) gives the rest, although the comma comes first.
    ln = set_line("中，中 中", FakeMetrics(advances={" ": 0.5}), SIZE, 40.0)
    assert ln.advances_pt == (10.0, 7.5, 10.0, 2.5, 10.0)


def test_a_line_of_one_unbreakable_word_is_spread_evenly_over_its_gaps():
    # abc (1.5 em) spread to 3 em: no gap may take expansion inside a word, so all do (均排), ¾ em each.
    ln = set_line("abc", face(), SIZE, 30.0)
    assert ln.xs_pt == (0.0, 12.5, 25.0) and ln.width_pt == 30.0


def test_a_single_character_spread_to_a_width_is_centred_in_it():
    assert set_line("中", face(), SIZE, 20.0) == Line("中", (5.0,), (20.0,), 0, 1, 20.0, True)


def test_set_line_wants_a_positive_size():
    for size in (0.0, -1.0):
        with pytest.raises(ValueError):
            set_line("中", face(), size)


def test_classes_computed_afresh_are_the_documented_ones():
    # char_class memoises; emptied, it computes again: letters and digits of the Latin, Greek and
    # Cyrillic scripts are LATIN, full-width forms, kana and hangul are one-cell HAN, listed marks
    # keep their class, anything else is OTHER.
    want = {"A": cjk.LATIN, "z": cjk.LATIN, "7": cjk.LATIN, "é": cjk.LATIN, "Ж": cjk.LATIN, "λ": cjk.LATIN,
            "中": cjk.HAN, "か": cjk.HAN, "カ": cjk.HAN, "한": cjk.HAN, "Ａ": cjk.HAN, "７": cjk.HAN,
            "，": cjk.PAUSE, "“": cjk.OPEN, "。": cjk.STOP, " ": cjk.SPACE, "★": cjk.OTHER, "①": cjk.OTHER,
            "\u2000": cjk.OTHER, "_": cjk.OTHER}
    kept = dict(cjk._CACHE)
    try:
        cjk._CACHE.clear()
        assert {ch: cjk.char_class(ch) for ch in want} == want
    finally:
        cjk._CACHE.clear()
        cjk._CACHE.update(kept)


def test_a_headline_set_tighter_than_its_marks_allow_is_condensed_evenly():
    # 中中中 (3 em, nothing to reduce) set to 2 em: both gaps give up ½ em.
    ln = set_line("中中中", face(), SIZE, 20.0)
    assert ln.xs_pt == (0.0, 5.0, 10.0) and ln.advances_pt == (5.0, 5.0, 10.0) and ln.width_pt == 20.0


def test_any_positive_size_and_measure_is_accepted():
    # A measure under 1 pt is odd but legal: at a 0.5-pt size, 中 fits a 0.75-pt measure.
    best, _, _ = compose_with_alternates("中", face(), 0.5, 0.75, ComposeOptions(indent_em=0.0))
    assert [ln.chars for ln in best.lines] == ["中"]
