"""Glyph positions and options of one set line, on FakeMetrics (Han 1 em, Latin ½ em, space ¼ em,
full-width marks 1 em with a ½-em blank in GB positions), every number worked out by hand: opener
compression, connectors, word spaces, Han–Latin gaps, shrink_stops, the 孤字 finding, empty input."""

from layout.text.fake import FakeMetrics
from layout.text.linebreak import ComposeOptions, compose_paragraph, set_line
from layout.text.prepare import prepare
from layout.text.setting import LineStyle, set_span

M = FakeMetrics()
SIZE = 10.0  # pt per em: positions below are em × 10


def lines(text, measure_em, **opts):
    s = compose_paragraph(text, M, SIZE, measure_em * SIZE, ComposeOptions(indent_em=0.0, **opts))
    return [ln.chars for ln in s.lines], s


def test_two_openers_hug_and_two_closers_too():
    # （“中”）: “ after （ loses its left half, ” before ） its right half: 1 + ½ + 1 + ½ + 1 = 4 em.
    ln = set_line("（“中”）", M, SIZE)
    assert ln.width_pt == 40.0
    assert ln.advances_pt == (10.0, 5.0, 10.0, 5.0, 10.0)
    assert ln.xs_pt == (0.0, 5.0, 15.0, 25.0, 30.0)  # “ drawn half an em left of its pen position


def test_no_expansion_next_to_a_connector():
    # 甲乙～丙 spread from 4 to 5 em: the gaps on both sides of ～ take nothing, 甲|乙 takes the whole em.
    assert set_line("甲乙～丙", M, SIZE, 50.0).xs_pt == (0.0, 20.0, 30.0, 40.0)


def test_word_spaces_take_expansion_first():
    # ab cd from 2.25 to 2.5 em: the space grows from ¼ to its maximum ½ em, nothing else moves.
    ln = set_line("ab cd", M, SIZE, 25.0)
    assert ln.advances_pt == (5.0, 5.0, 5.0, 5.0, 5.0)


def test_reduction_takes_word_spaces_before_pause_marks():
    # 中 中，中 with a ½-em space, 4.5 em, set to 4: step 2 (the space, down to ¼) gives 0.25, step 5
    # (the comma's ½-em blank) the other 0.25.
    ln = set_line("中 中，中", FakeMetrics(advances={" ": 0.5}), SIZE, 40.0)
    assert ln.advances_pt == (10.0, 2.5, 10.0, 7.5, 10.0)
    assert ln.xs_pt == (0.0, 10.0, 12.5, 22.5, 30.0)


def test_han_latin_gaps_stand_between_han_and_latin_only():
    # A ¼-em gap after 文 (before A) and after C (before 中); none inside ABC.
    _, s = lines("中文ABC中文", 10.0, han_latin_space_em=0.25)
    ln = s.lines[0]
    assert ln.xs_pt == (0.0, 10.0, 22.5, 27.5, 32.5, 40.0, 50.0) and ln.width_pt == 60.0


def test_a_stop_mark_is_not_reduced_mid_line_when_shrink_stops_is_off():
    # 中。 at 1.5 em fits only if 。 gives up its blank (2 − ½).
    assert lines("中。", 1.5)[0] == ["中。"]
    assert lines("中。", 1.5, shrink_stops=False)[0] == ["中", "。"]


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
    s = compose_paragraph("", M, SIZE, 100.0)
    assert s.lines == () and s.findings == ()
    ln = set_line("", M, SIZE)
    assert (ln.chars, ln.width_pt, ln.last) == ("", 0.0, True)


def test_a_line_of_spaces_only_is_its_indent_wide():
    p = prepare("中 国", M, ComposeOptions(indent_em=0.0), 10.0)
    opts = ComposeOptions(indent_em=0.0)
    assert set_span(LineStyle(p, opts, SIZE, True), 1, 2, None, 2.0) == ("", (), (), 20.0, False)
