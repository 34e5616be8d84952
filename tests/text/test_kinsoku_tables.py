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


def test_the_default_level_is_strict():
    # Called without a level, the tables and break_kinds apply 严格处理 (strict), the engine's default.
    assert cjk.prohibited_at_start("…") and not cjk.prohibited_at_start("…", "gb")
    assert cjk.prohibited_at_end("／") and not cjk.prohibited_at_end("／", "basic")
    assert break_kinds("中——国")[1] == BREAK_PROHIBITED and break_kinds("中——国", "gb")[1] == BREAK_OK


def test_fresh_translate_tables_give_the_class_and_rule_of_every_character():
    # The memo tables fill themselves on first use: fresh ones agree with char_class and rule_letter.
    letters, rules = cjk._LetterTable(), cjk._RuleTable()
    text = "".join(UNIVERSE) + "中a1 "
    assert text.translate(letters) == "".join(cjk.CLASS_LETTERS[cjk.char_class(ch)] for ch in text)
    assert text.translate(rules) == "".join(cjk.rule_letter(ch) for ch in text)
    assert dict(letters) == {ord(ch): cjk.CLASS_LETTERS[cjk.char_class(ch)] for ch in text}
    assert cjk.rule_letter("中") == "@" and cjk.rule_letter("，") == chr(64 + 1) and cjk.rule_letter("（") == chr(64 + 4)


@pytest.mark.parametrize("mask", range(16))
def test_flag_rows_flag_exactly_the_letters_with_a_bit_of_the_mask(mask):
    # Letters are "@" + 4 bits (64..79); a byte below 64 is never a letter and translates to BREAK_OK.
    row = cjk._flag_row(mask)
    assert len(row) == 256
    want = bytes(BREAK_PROHIBITED if 64 <= i and (i - 64) & mask else BREAK_OK for i in range(80))
    assert row[:80] == want
