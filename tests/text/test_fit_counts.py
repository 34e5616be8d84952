"""Where lines break, on FakeMetrics (Han 1 em, Latin ½ em, space ¼ em), checked against settings
worked out by hand: break_to_counts (a paragraph set to an exact number of lines, copyfit's
looseness), first_fit (the greedy fallback) and set_demerit's tolerance bound."""

from layout.text.fake import FakeMetrics
from layout.text.fit import break_to_counts, first_fit, line_demerit, set_demerit
from layout.text.linebreak import ComposeOptions, compose_paragraph, compose_with_alternates
from layout.text.prepare import prepare

# A new face in every test: prepare memoises each face's character rows, so a face shared with
# other tests would bring rows computed before this test ran.
face = FakeMetrics
FLUSH = ComposeOptions(indent_em=0.0)


def ends_for(text, measure_em, count, opts=FLUSH):
    got = break_to_counts(prepare(text, face(), opts, measure_em), measure_em, opts.indent_em, opts, (count,))
    return None if got[count] is None else got[count].ends


# --- break_to_counts ------------------------------------------------------------------------------
def test_eight_han_at_four_em_make_two_solid_lines():
    # 4 + 4 cells, each line exactly the measure; every other 2-line split needs a line of 3 cells
    # spread by 1 em over 2 gaps of ⅛ em (ratio 4, beyond the first tolerance).
    assert ends_for("中" * 8, 4.0, 2) == [4, 8]


def test_a_line_ending_after_a_word_space_measures_without_it():
    # "ab cd " ends the first line: its space drops, so the line is 0.5·4 + ¼ = 2.25 em, the measure.
    assert ends_for("ab cd ef", 2.25, 2) == [6, 8]


def test_one_line_holding_the_whole_paragraph_is_no_orphan():
    # 中。 on a single line: the 孤字 rule is about the last line of a paragraph of several lines.
    assert ends_for("中。", 4.0, 1) == [2]


def test_the_orphan_rule_is_kept_unless_switched_off():
    # 中中|中中|中 is the only 3-line setting of five cells at 2 em (a line of one cell cannot spread).
    assert ends_for("中" * 5, 2.0, 3) is None
    assert ends_for("中" * 5, 2.0, 3, ComposeOptions(indent_em=0.0, avoid_orphans=False)) == [2, 4, 5]


def test_a_two_character_paragraph_is_not_split_into_an_orphan():
    # 中|国 at 1 em: the last line would hold a single character.
    assert ends_for("中国", 1.0, 2) is None


def test_looseness_takes_only_what_the_first_tolerance_allows():
    # 16 cells at 8 em: best 8 + 8. Three lines need two lines of 7 cells spread by 1 em over 6 gaps of
    # ⅛ em (ratio 4/3 > 1, the first rung), or a 孤字: refused, said once.
    s = compose_paragraph("中" * 16, face(), 10.0, 80.0, ComposeOptions(indent_em=0.0, looseness=1))
    assert s.lines == () and [f.code for f in s.findings] == ["looseness"]
    # With a first rung of 1.5 the same three lines are taken.
    loose = ComposeOptions(indent_em=0.0, looseness=1, tolerances=(1.5, 2.0, 4.0))
    assert [ln.chars for ln in compose_paragraph("中" * 16, face(), 10.0, 80.0, loose).lines] == ["中" * 7, "中" * 7, "中中"]


# --- first_fit ------------------------------------------------------------------------------------
def test_first_fit_prefers_an_ordinary_break_to_one_inside_a_word():
    # At 1.5 em, 中a fits but breaking inside "ab" is a last resort; after 中 is ordinary.
    assert first_fit(prepare("中ab", face(), FLUSH, 1.5), 1.5, 0.0).ends == [1, 3]


def test_first_fit_counts_a_dropped_trailing_space_out():
    assert first_fit(prepare("ab cd ef", face(), FLUSH, 2.25), 2.25, 0.0).ends == [6, 8]


def test_first_fit_puts_a_too_wide_character_alone_with_the_spaces_after_it():
    # Nothing fits ½ em: each line takes one character, and the space after 中 goes with it.
    assert first_fit(prepare("中 国", face(), FLUSH, 0.5), 0.5, 0.0).ends == [2, 3]


# --- set_demerit ----------------------------------------------------------------------------------
def test_a_line_short_by_exactly_the_tolerance_is_still_set():
    # Short by tol·stretch (+ the rounding slack EPS): ratio 1, allowed; a hair more is not.
    assert set_demerit(1.0 + 1e-9, 1.0, 0.0, 1.0, 0.0) == line_demerit(1.0 + 1e-9)
    assert set_demerit(1.0 + 1e-6, 1.0, 0.0, 1.0, 0.0) is None


def test_break_to_counts_leaves_the_first_line_its_indent():
    # Six cells at 4 em with a 2-em indent: 2 cells, then 4.
    indented = ComposeOptions(indent_em=2.0)
    got = break_to_counts(prepare("中" * 6, face(), indented, 4.0), 4.0, 2.0, indented, (2,))
    assert got[2].ends == [2, 6]


def test_a_justified_last_line_counts_its_spreading():
    # Six cells at 4 em in two lines: 4 + 2 ragged is fine; justified, the last line's 2 cells would
    # be spread by 2 em over one ⅛-em gap (ratio 16), and 3 + 3 needs ratio 4: no 2-line setting.
    assert ends_for("中" * 6, 4.0, 2) == [4, 6]
    assert ends_for("中" * 6, 4.0, 2, ComposeOptions(indent_em=0.0, align_last="justify")) is None


def test_a_two_line_paragraph_has_a_longer_alternate():
    # Eight cells at 4 em: best 4 + 4; one line longer is 3 + 3 + 2 (ratio 4, allowed by a first
    # tolerance of 4); one line shorter cannot be.
    opts = ComposeOptions(indent_em=0.0, tolerances=(4.0,))
    best, shorter, longer = compose_with_alternates("中" * 8, face(), 10.0, 40.0, opts)
    assert [ln.chars for ln in best.lines] == ["中" * 4] * 2
    assert shorter == () and [ln.chars for ln in longer] == ["中" * 3, "中" * 3, "中" * 2]
