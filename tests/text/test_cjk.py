"""Character classes, 避头尾 tables, unbreakable units and adjacent-mark compression (layout.text.cjk)."""

import pytest

from bitouwei import FREE, LEVELS, NOT_AT_END, NOT_AT_START

from layout.text import cjk
from layout.text.cjk import BREAK_NEVER, BREAK_OK, BREAK_PROHIBITED, break_kinds, pair_compression

@pytest.mark.parametrize("level", LEVELS)
def test_what_may_not_start_a_line_is_kept_off_the_start(level):
    """Every mark clreq §6.1.1 and GB/T 15834 §5.1 keep off the line start at this level (tests/bitouwei.py,
    written out by hand) is prohibited there by the tables; the other edge is free for them."""
    missing = sorted(ch for ch in NOT_AT_START[level] if not cjk.prohibited_at_start(ch, level))
    assert not missing, f"{level}: may start a line although the sources say not: {missing}"
    only_start = NOT_AT_START[level] - NOT_AT_END[level]
    assert not sorted(ch for ch in only_start if cjk.prohibited_at_end(ch, level))


@pytest.mark.parametrize("level", LEVELS)
def test_what_may_not_end_a_line_is_kept_off_the_end(level):
    missing = sorted(ch for ch in NOT_AT_END[level] if not cjk.prohibited_at_end(ch, level))
    assert not missing, f"{level}: may end a line although the sources say not: {missing}"
    only_end = NOT_AT_END[level] - NOT_AT_START[level]
    assert not sorted(ch for ch in only_end if cjk.prohibited_at_start(ch, level))


@pytest.mark.parametrize("level", LEVELS)
def test_han_and_digits_are_free_at_both_edges(level):
    assert not [ch for ch in FREE if cjk.prohibited_at_start(ch, level) or cjk.prohibited_at_end(ch, level)]


def test_levels_differ_where_clreq_says():
    # GB法 adds the solidus at line end; 严格处理 adds …… at line start.
    assert not cjk.prohibited_at_end("／", "basic") and cjk.prohibited_at_end("／", "gb")
    assert not cjk.prohibited_at_start("…", "gb") and cjk.prohibited_at_start("…", "strict")
    with pytest.raises(ValueError):
        cjk.prohibited_at_start("，", "loose")


def test_is_han():
    assert all(cjk.is_han(c) for c in "郾城区〇々")
    assert not any(cjk.is_han(c) for c in "，A5　あ")


def kinds_of(text, level="strict"):
    return list(break_kinds(text, level))


def test_digit_runs_and_words_are_unbreakable_but_han_after_them_is_not():
    text = "投资120亿元，5G覆盖29.8%"
    k = kinds_of(text)
    at = text.index
    assert k[at("2")] == k[at("0")] == BREAK_NEVER  # inside 120
    assert k[at("亿")] == BREAK_OK  # 120|亿
    assert k[at("G")] == BREAK_NEVER  # 5G
    for i in range(at("2", at("覆")) + 1, len(text)):  # 9 . 8 % all glued to 2
        assert k[i] == BREAK_NEVER, (i, text[i])
    assert k[at("，")] == BREAK_PROHIBITED


@pytest.mark.parametrize("level, before", [("basic", BREAK_OK), ("gb", BREAK_OK), ("strict", BREAK_PROHIBITED)])
def test_two_em_dash_is_one_unit_and_strict_keeps_it_off_the_line_start(level, before):
    text = "他说——好"
    k = kinds_of(text, level)
    assert k[3] == BREAK_NEVER  # between the two halves
    assert k[2] == before
    assert k[4] == BREAK_OK


def test_a_lone_dash_is_a_connector_at_every_level():
    for level in LEVELS:
        assert kinds_of("甲—乙", level)[1] == BREAK_PROHIBITED


def test_spaces_break_only_after_and_remember_the_mark_before_them():
    assert kinds_of("ab cd") == [BREAK_OK, BREAK_NEVER, BREAK_NEVER, BREAK_OK, BREAK_NEVER, BREAK_OK]
    assert kinds_of("甲“ 乙")[3] == BREAK_PROHIBITED  # “ would end the line
    assert kinds_of("  甲乙")[1:3] == [BREAK_NEVER, BREAK_NEVER]


def compress(text):
    full = [1.0 if cjk.char_class(c) in cjk.CJK_PUNCT_CLASSES else 0.0 for c in text]
    left = [0.5 * f if cjk.char_class(c) == cjk.OPEN else 0.0 for c, f in zip(text, full)]
    right = [0.5 * f if cjk.char_class(c) in (cjk.CLOSE, cjk.PAUSE, cjk.STOP) else 0.0 for c, f in zip(text, full)]
    rem_l, rem_r, touched = pair_compression(text, left, right)
    return rem_l, rem_r, touched


@pytest.mark.parametrize("pair", ["。”", "）。", "，“", "”（", "、《"])
def test_adjacent_marks_take_one_and_a_half_em(pair):
    rem_l, rem_r, touched = compress("甲" + pair + "乙")
    assert sum(rem_l) + sum(rem_r) == 0.5
    assert rem_r[1] == 0.5 and touched == [1]  # the first mark gives up its trailing blank


def test_two_openers_hug_the_text():
    rem_l, rem_r, _ = compress("甲（“乙")
    assert rem_l[2] == 0.5 and sum(rem_r) == 0.0


@pytest.mark.parametrize("run, width_em", [("？！", 1), ("！？", 1), ("？？", 1), ("！！", 1), ("？？？", 2), ("！！！", 2)])
def test_query_exclaim_runs_gb_5_1_2(run, width_em):
    # GB/T 15834 §5.1.2: two marks used together take one character position, three take two.
    rem_l, rem_r, _ = compress("甲" + run + "乙")
    marks = range(1, 1 + len(run))
    assert len(run) - sum(rem_l[i] + rem_r[i] for i in marks) == width_em


# --- 孤字 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("chars", ["中", "中。", "中。”", "“中”", "（乙）。", "中 ", "A。", "5", "X！”", "X——", "甲·", "〇。"])
def test_one_character_with_its_marks_is_lonely(chars):
    assert cjk.is_lonely_line(chars)


@pytest.mark.parametrize("chars", ["中文", "中A", "ab", "5%", "￥5", "中%", "", " ", "。”", "——", "……", "，。"])
def test_two_characters_or_none_are_not_lonely(chars):
    # 5% and ￥5 are two characters: number signs count as text. Marks alone are the 避头 rule's.
    assert not cjk.is_lonely_line(chars)


def test_every_class_is_decided_for_lonely_lines():
    classes = {v for k, v in vars(cjk).items() if k.isupper() and isinstance(v, int) and not k.startswith(("BREAK_", "_"))}
    assert set(cjk.COUNTS_AS_TEXT) == set(range(len(cjk.CLASS_LETTERS))) == classes


def test_lonely_line_rule_follows_the_class_table_for_every_character():
    # is_lonely_line matches with an expression built from COUNTS_AS_TEXT: one character alone is
    # a 孤字 exactly when its class counts as text.
    for code in range(0x10000):
        c = chr(code)
        assert cjk.is_lonely_line(c) == cjk.COUNTS_AS_TEXT[cjk.char_class(c)], hex(code)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("number", ["1,000", "12,345,678", "29.8", "3.14159", "1,000.5"])
def test_number_separators_never_break(level, number):
    # [clreq] unbreakable marks: a . or , between digits holds the number together — on both sides.
    text = "共有" + number + "人"
    kinds = break_kinds(text, level)
    start = text.index(number)
    for i in range(start + 1, start + len(number)):
        assert kinds[i] == BREAK_NEVER, (number, i - start, text[i])
    assert kinds[start] == BREAK_OK and kinds[start + len(number)] == BREAK_OK  # 有|1,000|人


@pytest.mark.parametrize("level", LEVELS)
def test_separators_not_between_digits_are_ordinary_marks(level):
    # A comma after a word or before a Han character is no number separator: a break after it is fine.
    kinds = break_kinds("共1,人a,b", level)
    assert kinds[3] == BREAK_OK  # 1,|人
    assert kinds[2] == BREAK_PROHIBITED  # ',' may not start a line


def test_at_the_basic_level_a_solidus_before_spaces_may_end_a_line():
    # 中／ 国: a break after the space leaves ／ at the line end — allowed at "basic", not at "gb"
    # (分隔号 not at line end, GB/T 15834 §5.1.7) nor "strict".
    assert kinds_of("中／ 国", "basic")[3] == BREAK_OK
    assert kinds_of("中／ 国", "gb")[3] == BREAK_PROHIBITED
    assert kinds_of("中／ 国", "strict")[3] == BREAK_PROHIBITED


@pytest.mark.parametrize("run", ["？？", "！？", "？！！"])
def test_a_query_exclaim_run_ending_the_text_is_compressed_in_pairs(run):
    # The run is the text's last characters: pairs from the left each lose their right half.
    rem_l, rem_r, touched = compress("好" + run)
    paired = len(run) // 2 * 2
    assert rem_r[1:] == [0.5] * paired + [0.0] * (len(run) - paired)
    assert touched == list(range(1, 1 + paired)) and sum(rem_l) == 0.0
