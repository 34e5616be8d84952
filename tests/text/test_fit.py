"""The breaker's parts (layout.text.prepare, layout.text.fit, layout.text.setting) on FakeMetrics:
prefix sums and their edge corrections, the demerit formula, the break record, one line's columns."""

import pytest

from layout.text.fake import FakeMetrics
from layout.text.fit import SOLID_DEMERIT, Breaks, break_paragraph, first_fit, line_demerit
from layout.text.linebreak import ComposeOptions, compose_paragraph
from layout.text.prepare import prepare
from layout.text.setting import LineStyle, set_span

M = FakeMetrics()


# --- prepare: a line [a, b) measures at_end[b] − at_start[a] ------------------------------------
def test_a_mark_at_a_line_end_gets_back_the_blank_it_lent():
    # ” before 。 gives up its right half (adjacent-mark compression); ending a line, it has no
    # neighbour to lend it to.
    p = prepare("甲”。乙", M, ComposeOptions(), 10.0)
    assert p.width_sum == [0.0, 1.0, 1.5, 2.5, 3.5]
    assert p.width_sum_at_end[2] - p.width_sum_at_start[0] == 2.0
    assert p.shrink_sum_at_end[2] == 0.5  # "auto": the blank is kept but may go if the line must shrink
    assert p.end_width_gain_max == 0.5


def test_an_opener_at_a_line_start_gets_back_the_blank_it_lent():
    p = prepare("甲（“乙", M, ComposeOptions(), 10.0)
    assert p.width_sum_at_end[4] - p.width_sum_at_start[2] == 2.0  # “乙 with “ full width
    assert p.width_sum[4] - p.width_sum[2] == 1.5  # inside a line, （“ hug


def test_trailing_spaces_drop_at_a_break():
    p = prepare("ab cd", M, ComposeOptions(), 10.0)
    assert p.width_sum_at_end[3] == 1.0  # "ab " ending a line is "ab"
    assert p.stretch_sum_at_end[3] == 0.0 and p.stretch_sum[3] == 0.375  # nor does its space stretch
    assert p.min_width_sum == p.width_sum  # FakeMetrics' space is ¼ em, already the least a space may be


# --- the demerit formula --------------------------------------------------------------------------
def test_line_demerit_is_the_knuth_plass_formula():
    assert line_demerit(0.0) == SOLID_DEMERIT == 100.0  # (line penalty 10)²
    assert line_demerit(1.0) == 110.0**2
    assert line_demerit(0.5, 20000.0) == (10 + 100 * 0.125) ** 2 + 20000.0
    ratios = [i / 8 for i in range(33)]
    demerits = [line_demerit(r) for r in ratios]
    assert demerits == sorted(demerits) and len(set(demerits)) == len(demerits)


def test_push_in_costs_less_than_any_push_out():
    # The expansion demerit exceeds the worst shrink a line may take (ratio 1).
    opts = ComposeOptions()
    assert line_demerit(1.0) < line_demerit(0.0, opts.expansion_demerits)


# --- the break record -----------------------------------------------------------------------------
HANG = "一二三四五六七八九十，甲乙丙丁戊己庚辛壬癸。子丑"


def test_breaks_say_which_lines_hang():
    opts = ComposeOptions(indent_em=0, hanging=True)
    p = prepare(HANG, M, opts, 10.0)
    assert break_paragraph(p, 10.0, 0.0, opts) == Breaks([11, 22, 24], frozenset({11, 22}))
    s = compose_paragraph(HANG, M, 10.0, 100.0, opts)
    first = s.lines[0]
    assert first.chars == "一二三四五六七八九十，" and (first.start, first.end) == (0, 11)
    assert first.width_pt == 100.0  # the measure: the comma stands outside it
    assert first.xs_pt[-1] == 100.0 and first.advances_pt[-1] == 5.0  # at half width


def test_without_hanging_no_line_hangs():
    opts = ComposeOptions(indent_em=0)
    p = prepare(HANG, M, opts, 10.0)
    breaks = break_paragraph(p, 10.0, 0.0, opts)
    assert breaks.hanging == frozenset() and breaks.ends[-1] == len(HANG)
    assert [line.chars for line in compose_paragraph(HANG, M, 10.0, 100.0, opts).lines][0] == "一二三四五六七八九"


def test_first_fit_breaks_never_hang():
    opts = ComposeOptions(indent_em=0, hanging=True)
    breaks = first_fit(prepare(HANG, M, opts, 10.0), 10.0, 0.0)
    assert breaks == Breaks([9, 19, 24], frozenset())  # 十， would not fit; 十 may not end the line before ，


# --- setting one line -----------------------------------------------------------------------------
def test_set_span_returns_the_columns_of_a_line():
    opts = ComposeOptions(indent_em=0)
    style = LineStyle(prepare("一二，三四五六七八九。甲", M, opts, 10.0), opts, 10.0, True)
    chars, xs, advances, width_pt, short = set_span(style, 0, 11, 10.0, 0.0)
    assert chars == "一二，三四五六七八九。" and not short
    assert width_pt == pytest.approx(100.0)
    assert advances[2] == 5.0 and advances[-1] == 5.0  # push-in: the line-end stop first, then the comma
    assert xs[3] == 25.0


@pytest.mark.parametrize("text, measure, indent, ends", [
    ("中" * 12, 5.0, 0.0, [5, 10, 12]),  # the longest line that fits, each time
    ("中" * 12, 5.0, 2.0, [3, 8, 12]),  # the first line is the indent shorter
    ("中" * 10, 5.0, 0.0, [5, 10]),  # the rest fits exactly: one more line, not two
    ("中文中文中，文中文中文", 5.0, 0.0, [4, 9, 11]),  # ， may not start a line: the break before it is not taken
    ("abcdefghijkl", 2.0, 0.0, [4, 8, 12]),  # a word wider than the measure: broken inside, 4 × 0.5 em a line
])
def test_first_fit_takes_the_longest_line_of_the_best_kind(text, measure, indent, ends):
    opts = ComposeOptions(indent_em=indent)
    assert first_fit(prepare(text, M, opts, measure), measure, indent) == Breaks(ends, frozenset())


def test_first_fit_bends_a_prohibition_only_when_nothing_else_fits():
    # At 1 em a line, 中，中 cannot keep ， off the line start (中， is 1.5 em even with its blank off):
    # the prohibited break is taken, and the lines go on one character each.
    opts = ComposeOptions(indent_em=0)
    assert first_fit(prepare("中，中", M, opts, 1.0), 1.0, 0.0) == Breaks([1, 2, 3], frozenset())
    # At 1.5 em it can: 中， fits with the comma's blank off at the line end.
    assert first_fit(prepare("中，中", M, opts, 1.5), 1.5, 0.0) == Breaks([2, 3], frozenset())


@pytest.mark.parametrize("size, measure", [(0.0, 90.0), (9.0, 0.0), (-1.0, 90.0)])
def test_alternates_refuse_a_size_or_measure_that_is_not_positive(size, measure):
    from layout.text.linebreak import compose_with_alternates

    with pytest.raises(ValueError, match=r"^size_pt and measure_pt must be positive$"):
        compose_with_alternates("中文", M, size, measure)


def test_the_square_face_gives_gb_halt_values_for_cjk_marks_only():
    halt, plain = FakeMetrics(), FakeMetrics(halt=False)
    from layout.text import cjk

    for ch, cls in (("“", cjk.OPEN), ("”", cjk.CLOSE), ("，", cjk.PAUSE), ("。", cjk.STOP), ("·", cjk.MIDDLE)):
        assert halt.halt_em(ch) == cjk.HALT_FALLBACK_EM[cls] and plain.halt_em(ch) is None
    assert halt.halt_em("中") is None and halt.halt_em("(") is None and halt.halt_em("—") is None
    assert FakeMetrics(advances={"“": 0.5}).halt_em("“") is None  # an overridden advance has no halt
