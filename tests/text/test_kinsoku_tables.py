"""Every 避头尾 table entry, both ways: the tables of layout.text.cjk hold exactly the sources' lists
(tests/bitouwei.py, by hand from clreq §6.1.1 and GB/T 15834 §5.1) plus the project's explicit
additions (listed there with reasons), at every level — and break_kinds enforces each entry."""

import string

import pytest

from bitouwei import FREE, LEVELS, expected_not_at_end, expected_not_at_start

from layout.text import cjk
from layout.text.cjk import BREAK_OK, BREAK_PROHIBITED, break_kinds

# Every character any table of the code or of the tests names, and controls no table names.
UNIVERSE = sorted((
    set(cjk._CLASS_OF) | cjk.NOT_AT_START_BASIC | cjk.NOT_AT_END_BASIC | cjk.NOT_AT_END_GB_EXTRA
    | cjk.NOT_AT_START_STRICT_EXTRA | {cjk.DASH}
    | set().union(*(expected_not_at_start(lv) | expected_not_at_end(lv) for lv in LEVELS))
    | set(FREE) | set(string.ascii_letters) | set("郾城区")) - {" "}  # a space: test_cjk.py
)


def _diff(got, want):
    return f"in the table but not in the lists: {sorted(got - want)}; in the lists but not in the table: {sorted(want - got)}"


@pytest.mark.parametrize("level", LEVELS)
def test_line_start_table_is_exactly_the_sources_plus_the_additions(level):
    got = {ch for ch in UNIVERSE if cjk.prohibited_at_start(ch, level)}
    want = set(expected_not_at_start(level))
    assert got == want, f"{level}: {_diff(got, want)}"


@pytest.mark.parametrize("level", LEVELS)
def test_line_end_table_is_exactly_the_sources_plus_the_additions(level):
    got = {ch for ch in UNIVERSE if cjk.prohibited_at_end(ch, level)}
    want = set(expected_not_at_end(level))
    assert got == want, f"{level}: {_diff(got, want)}"


@pytest.mark.parametrize("level", LEVELS)
def test_break_kinds_follow_both_tables_for_every_entry(level):
    """Between two Han characters, a break before `ch` is prohibited exactly when `ch` may not start a
    line, and a break after it exactly when it may not end one — for every character and level."""
    wrong = []
    for ch in UNIVERSE:
        if ch in "—…⋯⸺⸻‥" or ch.isalnum():
            continue  # units and Latin runs have their own rules (test_cjk.py); — alone is checked below
        kinds = break_kinds("中" + ch + "国", level)
        before = BREAK_PROHIBITED if ch in expected_not_at_start(level) else BREAK_OK
        after = BREAK_PROHIBITED if ch in expected_not_at_end(level) else BREAK_OK
        assert cjk.prohibited_at_start(ch, level) == (before == BREAK_PROHIBITED)
        if (kinds[1], kinds[2]) != (before, after):
            wrong.append((ch, kinds[1], kinds[2], before, after))
    assert not wrong, f"{level}: (char, got before, got after, want before, want after): {wrong}"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("mark", "…⋯⸺⸻‥—")
def test_dash_and_ellipsis_forms_alone_follow_the_tables(level, mark):
    # A lone mark of these between Han: prohibited before it exactly as the line-start table says.
    kinds = break_kinds("中" + mark + "国", level)
    want = BREAK_PROHIBITED if mark in expected_not_at_start(level) else BREAK_OK
    assert (kinds[1], kinds[2]) == (want, BREAK_OK)


@pytest.mark.parametrize("level", LEVELS)
def test_the_prohibition_letters_agree_with_the_tables(level):
    # rule_string is what break_kinds reads: the same verdicts as the tables, for every character.
    for ch in UNIVERSE:
        row_start = cjk._NOT_START_ROW[level][ord(cjk.rule_letter(ch))]
        row_end = cjk._NOT_END_ROW[level][ord(cjk.rule_letter(ch))]
        assert bool(row_start) == (ch in expected_not_at_start(level) and ch != cjk.DASH), ch
        assert bool(row_end) == (ch in expected_not_at_end(level)), ch
